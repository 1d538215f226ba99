package io.aihub.worker.replay;

import static io.aihub.simulator.FaultAction.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.SubmitGate;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.TestTopics;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The replay tool against the real broker and the running worker: a command dead-lettered by a permanent refusal
 * runs once AI Hub accepts it and its dead letter is replayed; replaying a command that has a run submits nothing;
 * a dry run publishes nothing. The tool is driven through {@link ReplayApplication}, the command-line mode's code.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class DeadLetterReplayTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    ReplayApplication replay;

    @Inject
    AiHubClient client;

    @Inject
    ObjectMapper mapper;

    /** Exit status and standard output of one run of the tool. */
    private record Run(int status, String out) {
    }

    private Run replay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = replay.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(status, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }

    /** Sends a command that AI Hub refuses once with 422 (then accepts), and waits for its dead letter. */
    private ConsumerRecord<byte[], byte[]> refusedOnce(String commandId) {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains(commandId + "-app").times(1)
                .then(error(422, "unknown key")));
        topics.send(commandId, "{\"command_id\": \"" + commandId + "\", \"app_name\": \"" + commandId
                + "-app\", \"batch_id\": 1}");
        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter(commandId, DEADLINE);
        assertThat(topics.awaitTerminalEvent(commandId, DEADLINE)).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submission_failed");
        return dead;
    }

    private long posts(String commandId) {
        Optional<String> tag = Optional.of(RunCommand.runTag(commandId));
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(tag)).count();
    }

    private long runs(String commandId) {
        return simulator.runsCreatedWithTag(RunCommand.runTag(commandId));
    }

    @Test
    void a_dead_letter_of_a_permanent_refusal_runs_to_completion_once_replayed_after_ai_hub_accepts_it() {
        ConsumerRecord<byte[], byte[]> dead = refusedOnce("replay-fixed");
        assertThat(posts("replay-fixed")).isEqualTo(1);

        Run run = replay("replay", "--command-id", "replay-fixed", "--code", "AIHUB_REJECTED");

        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("replayed " + TestTopics.ofRunningApplication().deadLetters() + "-" + dead.partition() + "@"
                        + dead.offset()
                        + " command replay-fixed [AIHUB_REJECTED]: ledger: SUBMISSION_FAILED; the replay reopens it")
                .contains("selected=1 replayed=1 already-run=0 failed=0");
        await().atMost(DEADLINE).until(() -> topics.eventsFor("replay-fixed").stream()
                .anyMatch(e -> e.type().equals("aihub.run.completed")));
        List<CloudEventRecord> events = topics.eventsFor("replay-fixed");
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submission_failed",
                "aihub.run.submitted", "aihub.run.completed");
        assertThat(events).extracting(CloudEventRecord::id).containsExactly("replay-fixed:1", "replay-fixed:2",
                "replay-fixed:3");
        assertThat(posts("replay-fixed")).isEqualTo(2);
        assertThat(runs("replay-fixed")).isEqualTo(1);
    }

    @Test
    void a_replay_lands_on_the_partition_the_command_came_from_even_when_the_producer_did_not_use_the_default_partitioner() {
        String commandId = "replay-partition";
        int byDefault = Utils.toPositive(Utils.murmur2(commandId.getBytes(StandardCharsets.UTF_8)))
                % WorkerTestResource.PARTITIONS;
        int chosen = (byDefault + 1) % WorkerTestResource.PARTITIONS;
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains(commandId + "-app").times(1)
                .then(error(422, "unknown key")));
        topics.send(chosen, commandId, "{\"command_id\": \"" + commandId + "\", \"app_name\": \"" + commandId
                + "-app\", \"batch_id\": 1}");
        topics.awaitDeadLetter(commandId, DEADLINE);

        assertThat(replay("replay", "--command-id", commandId).status()).isZero();
        await().atMost(DEADLINE).until(() -> topics.eventsFor(commandId).stream()
                .anyMatch(e -> e.type().equals("aihub.run.completed")));

        // The reopening is written to the ledger partition of the command's record, the one that knew it.
        assertThat(topics.ledgerPartitionsOf(commandId)).containsExactly(chosen);
        assertThat(runs(commandId)).isEqualTo(1);
    }

    @Test
    void a_replayed_submission_failure_whose_run_exists_after_all_adopts_that_run_and_posts_nothing() {
        refusedOnce("replay-adopt");
        // A run with the command's tag appears after the failure (as one from a POST whose answer was lost would).
        var body = mapper.createObjectNode().put("app_name", "replay-adopt-app").put("batch_id", 1);
        body.putObject("settings").putArray("tags").add("aihub-run-worker:replay-adopt");
        String existing = client.runApp("sim-org", body, SubmitGate.always()).await().atMost(DEADLINE).id();

        assertThat(replay("replay", "--command-id", "replay-adopt").status()).isZero();
        await().atMost(DEADLINE).until(() -> topics.eventsFor("replay-adopt").stream()
                .anyMatch(e -> e.type().equals("aihub.run.completed")));

        List<CloudEventRecord> events = topics.eventsFor("replay-adopt");
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submission_failed",
                "aihub.run.submitted", "aihub.run.completed");
        assertThat(events.get(1).data().get("run_id").asText()).isEqualTo(existing);
        assertThat(posts("replay-adopt")).isEqualTo(2); // the refused one and the test's own, none after the replay
        assertThat(runs("replay-adopt")).isEqualTo(1);
    }

    @Test
    void replaying_a_command_that_already_has_a_run_says_so_and_submits_nothing() throws Exception {
        Map<TopicPartition, Long> before = endOffsets();
        refusedOnce("replay-twice");
        assertThat(replay("replay", "--command-id", "replay-twice").status()).isZero();
        await().atMost(DEADLINE).until(() -> topics.eventsFor("replay-twice").stream()
                .anyMatch(e -> e.type().equals("aihub.run.completed")));
        String runId = topics.eventsFor("replay-twice").get(1).data().get("run_id").asText();

        Run again = replay("replay", "--command-id", "replay-twice");

        assertThat(again.status()).isZero();
        assertThat(again.out()).contains("command replay-twice [AIHUB_REJECTED]: already has run " + runId
                + " (ENDED, COMPLETE), will not be submitted again")
                .contains("selected=1 replayed=1 already-run=1 failed=0");
        awaitCommandsConsumed(before);
        assertThat(posts("replay-twice")).isEqualTo(2);
        assertThat(runs("replay-twice")).isEqualTo(1);
        assertThat(topics.eventsFor("replay-twice")).hasSize(3);
    }

    @Test
    void a_dry_run_lists_the_dead_letter_and_publishes_nothing() throws Exception {
        ConsumerRecord<byte[], byte[]> dead = refusedOnce("replay-dry");
        long before = commandsEndOffset();

        Run run = replay("replay", "--command-id", "replay-dry", "--dry-run");

        assertThat(run.status()).isZero();
        assertThat(run.out())
                .contains("would replay " + TestTopics.ofRunningApplication().deadLetters() + "-" + dead.partition() + "@"
                        + dead.offset()
                        + " command replay-dry [AIHUB_REJECTED]")
                .contains("dry run: scanned=")
                .contains("selected=1 replayed=0");
        assertThat(commandsEndOffset()).isEqualTo(before);
        assertThat(posts("replay-dry")).isEqualTo(1);
    }

    @Test
    void bad_options_exit_with_status_2_and_the_usage() {
        Run run = replay("replay", "--dry-run");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.out()).contains("replay: select dead letters with --command-id").contains("usage:");
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class)));
    }

    private static Map<TopicPartition, OffsetSpec> latest() {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < WorkerTestResource.PARTITIONS; p++) {
            specs.put(new TopicPartition(TestTopics.ofRunningApplication().commands(), p), OffsetSpec.latest());
        }
        return specs;
    }

    private static long commandsEndOffset() throws Exception {
        try (Admin admin = admin()) {
            return admin.listOffsets(latest()).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        }
    }

    private static Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest()).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    /**
     * Waits until the worker's group has committed every commands record written since {@code before}: all were
     * handled. Partitions this test wrote nothing to are left out: an earlier class's last commit there may have
     * failed in a rebalance and stay behind until that partition's next record.
     */
    private static void awaitCommandsConsumed(Map<TopicPartition, Long> before) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> ends = endOffsets();
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
                var committed = admin
                        .listConsumerGroupOffsets(ConfigProvider.getConfig().getValue("worker.group-id", String.class))
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                return ends.entrySet().stream().allMatch(end -> end.getValue().equals(before.get(end.getKey()))
                        || committed.get(end.getKey()) != null
                                && committed.get(end.getKey()).offset() >= end.getValue());
            });
        }
    }
}
