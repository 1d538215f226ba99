package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.SubmitGate;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerView;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.messaging.CommandConsumer;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.GroupMember;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.TestSimulator;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * A restore applies {@code worker.tracking.max-runs} (after a scale-in one replica may be assigned the runs of
 * several): the runs beyond it are not polled and cost only a compact entry until followed runs end, then they are
 * followed from the ledger and end like the others; at the cap, new commands wait in Kafka.
 */
@QuarkusTest
@TestProfile(TrackedRunsCapTest.CapProfile.class)
@WithTestResource(WorkerTestResource.class)
class TrackedRunsCapTest extends KafkaFlowTest {

    private static final int CAP = 3;
    private static final String LATE = "capped-late";
    private static final int RUNS = 5;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Long enough for the rebalance away and back while the followed runs are still running. */
    private static final Duration PHASE = Duration.ofSeconds(20);

    /** The default test settings with a cap of {@value #CAP} tracked runs. */
    public static class CapProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("worker.tracking.max-runs", Integer.toString(CAP));
        }
    }

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    AiHubClient client;

    @Inject
    RunTracker tracker;

    @Inject
    ParkedRuns parked;

    @Inject
    LedgerView ledger;

    @Inject
    PartitionOwnership ownership;

    @Inject
    ObjectMapper mapper;

    @Inject
    KafkaClientService kafka;

    private long getsOf(String runId) {
        return simulator.requests().stream().filter(r -> r.method().equals("GET") && r.path().endsWith("/" + runId))
                .count();
    }

    @Test
    void runs_restored_beyond_the_cap_wait_unpolled_and_new_commands_wait_in_kafka_until_followed_runs_end() throws Exception {
        List<String> ids = IntStream.range(0, RUNS).mapToObj(i -> "capped-" + i).toList();
        simulator.phaseDuration(PHASE);
        List<Run> runs;
        try {
            runs = ids.stream().map(id -> client.runApp("sim-org", json("{\"app_name\": \"capped-app\", \"batch_id\": 1,"
                    + " \"settings\": {\"tags\": [\"" + RunCommand.runTag(id) + "\"]}}"), SubmitGate.always())
                    .await().atMost(DEADLINE)).toList();
            long now = Instant.now().toEpochMilli();
            // Another replica followed these runs and went away; the oldest is capped-0.
            int partition = GroupMember.awayAndBack(ownership, DEADLINE, p -> {
                for (int i = 0; i < RUNS; i++) {
                    topics.writeLedger(p, ids.get(i), tracking(ids.get(i), runs.get(i).id(), now - 60_000 + i));
                }
            });

            // The partition counts as restored a moment before its runs are registered with the tracker.
            await().atMost(DEADLINE).until(() -> tracker.trackedCount() > 0);
            assertThat(parked.size()).isEqualTo(RUNS - CAP);
            assertThat(tracker.trackedCount()).isEqualTo(CAP);
            assertThat(ids).filteredOn(tracker::isTracking).containsExactly("capped-0", "capped-1", "capped-2");
            assertThat(ledger.get("capped-4")).get().extracting(LedgerRecord::state, LedgerRecord::appName)
                    .as("a waiting run keeps a compact dedupe entry").containsExactly(LedgerRecord.State.TRACKING, null);
            assertThat(ledger.get("capped-0")).get().extracting(LedgerRecord::appName).isEqualTo("capped-app");
            assertThat(getsOf(runs.get(3).id()) + getsOf(runs.get(4).id())).isZero();

            // At the cap, fetching pauses (once the gate's next check reaches the consumer): a new command waits in
            // Kafka until runs end.
            await().atMost(DEADLINE).until(() -> allPaused());
            topics.send(partition, LATE, "{\"command_id\": \"" + LATE + "\", \"app_name\": \"capped-app\","
                    + " \"batch_id\": 1}");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> simulator.runsCreatedWithTag(RunCommand.runTag(LATE)) == 0);
        } finally {
            simulator.phaseDuration(TestSimulator.DEFAULT_PHASE);
        }

        for (String id : ids) {
            List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);
            assertThat(events.stream().map(CloudEventRecord::id).distinct()).containsExactly(id + ":1", id + ":2");
            assertThat(events.get(events.size() - 1).type()).isEqualTo("aihub.run.completed");
            // An id published again (the restore's republish) carries the same content; no waiting run is posted.
            events.stream().collect(Collectors.groupingBy(CloudEventRecord::id)).forEach((eventId, same) -> assertThat(
                    same.stream().map(e -> e.type() + e.data()).distinct()).as(eventId).hasSize(1));
            assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(id))).as(id).isEqualTo(1);
        }
        assertThat(parked.size()).isZero();
        assertThat(getsOf(runs.get(3).id())).isPositive();
        assertThat(topics.awaitTerminalEvent(LATE, DEADLINE)).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.completed");
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(LATE))).isEqualTo(1);
        await().atMost(DEADLINE).until(() -> tracker.trackedCount() == 0);
    }

    /** True once the worker's consumer has paused every partition it is assigned. */
    private boolean allPaused() {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(CommandConsumer.CHANNEL);
        Set<TopicPartition> assigned = consumer.getAssignments().await().atMost(DEADLINE);
        return !assigned.isEmpty() && consumer.paused().await().atMost(DEADLINE).containsAll(assigned);
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The ledger record of a followed run, as the replica that followed it wrote it. */
    private static String tracking(String id, String runId, long since) {
        return "{\"version\": 1, \"command_id\": \"" + id + "\", \"state\": \"TRACKING\", \"status\": \"RUNNING\","
                + " \"run_id\": \"" + runId + "\", \"sequence\": 1, \"event_type\": \"aihub.run.submitted\","
                + " \"event_time\": " + since + ", \"event\": {\"command_id\": \"" + id + "\", \"run_id\": \"" + runId
                + "\", \"status\": \"RUNNING\", \"attempts\": 1}, \"attempts\": 1, \"tracking_since\": " + since
                + ", \"ib_context\": \"sim-org\", \"app_name\": \"capped-app\", \"batch_id\": 1, \"updated_at\": "
                + since + "}";
    }
}
