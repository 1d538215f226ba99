package io.aihub.worker.messaging;

import static io.aihub.simulator.FaultAction.latency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.GroupMember;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.SlowRequestsProfile;
import io.aihub.worker.support.TestSimulator;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Partitions moving between members of the group (real rebalances): the partitions a replica keeps go on while it
 * hands others over, and the runs of a partition it gets back are refreshed by one listing, not a GET each.
 */
@QuarkusTest
@TestProfile(SlowRequestsProfile.class)
@WithTestResource(WorkerTestResource.class)
class HandOverTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** Held longer than the proof window, well within the profile's request timeout. */
    private static final Duration HELD_POST = Duration.ofSeconds(12);
    /** Tracked runs change status every 3 s: RUNNING, stopped at a checkpoint, RUNNING, COMPLETE. */
    private static final Duration PHASE = Duration.ofSeconds(3);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    PartitionOwnership ownership;

    /** How long an accepted commit lets this replica act: the session timeout less the longest pause allowed. */
    private static Duration proofWindow() {
        var config = ConfigProvider.getConfig();
        return Duration.ofMillis(config.getValue("mp.messaging.incoming.commands.session.timeout.ms", Long.class))
                .minus(config.getValue("worker.fencing.max-pause", Duration.class));
    }

    /**
     * A hand-over holds the polling thread while it waits for POSTs on the wire, which can last longer than the window
     * in which an accepted commit proves membership: the replica proves it again between its waits.
     */
    @Test
    void runs_of_the_partitions_kept_go_on_while_a_hand_over_waits_longer_than_the_proof_window() throws Exception {
        int partitions = WorkerTestResource.PARTITIONS;
        List<String> tracked = IntStream.range(0, partitions).mapToObj(p -> "liveness-tracked-" + p).toList();
        List<String> held = IntStream.range(0, partitions).mapToObj(p -> "liveness-held-" + p).toList();
        simulator.phaseDuration(PHASE);
        try {
            for (int p = 0; p < partitions; p++) {
                topics.send(p, tracked.get(p), command(tracked.get(p), "liveness-checkpoint-app"));
            }
            tracked.forEach(id -> await().atMost(DEADLINE).until(() -> !topics.eventsFor(id).isEmpty()));
        } finally {
            simulator.phaseDuration(TestSimulator.DEFAULT_PHASE);
        }
        // A POST held on every partition, so that whichever partitions the rebalance takes, their hand-over waits.
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("liveness-held-app")
                .then(latency(HELD_POST)));
        for (int p = 0; p < partitions; p++) {
            topics.send(p, held.get(p), command(held.get(p), "liveness-held-app"));
        }
        // Each POST follows its command's SUBMITTING record at once (the simulator records a request when it answers).
        held.forEach(id -> await().atMost(DEADLINE).until(() -> !topics.ledgerFor(id).isEmpty()));

        long revokingAt;
        long handedOverAt;
        Set<Integer> taken;
        try (GroupMember member = GroupMember.join()) {
            revokingAt = awaitMillis(() -> IntStream.range(0, partitions)
                    .anyMatch(p -> ownership.lease(p).map(lease -> !lease.mayPost()).orElse(false)));
            Set<Integer> revoking = IntStream.range(0, partitions)
                    .filter(p -> ownership.lease(p).map(lease -> !lease.mayPost()).orElse(false)).boxed()
                    .collect(Collectors.toSet());
            handedOverAt = awaitMillis(() -> revoking.stream().noneMatch(ownership::owns));
            taken = Set.copyOf(member.awaitPartitions(DEADLINE));
        }
        Duration window = proofWindow();
        assertThat(Duration.ofMillis(handedOverAt - revokingAt)).as("the hand-over outlasts the proof window")
                .isGreaterThan(window.plusSeconds(1));
        assertThat(taken).isNotEmpty().hasSizeLessThan(partitions);

        // Published after the window of the last proof before the hand-over, and before the hand-over ended.
        long from = revokingAt + window.toMillis() + 500;
        Map<Integer, List<Long>> publishedDuringHandOver = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> event : topics.allEvents()) {
            String key = new String(event.key(), StandardCharsets.UTF_8);
            int partition = tracked.indexOf(key);
            if (partition >= 0 && event.timestamp() > from && event.timestamp() < handedOverAt) {
                publishedDuringHandOver.computeIfAbsent(partition, p -> new ArrayList<>()).add(event.timestamp());
            }
        }
        assertThat(publishedDuringHandOver.keySet()).as("partitions whose runs got events during the hand-over")
                .isNotEmpty().doesNotContainAnyElementsOf(taken);

        concat(tracked, held).forEach(id -> topics.awaitTerminalEvent(id, DEADLINE));
        concat(tracked, held).forEach(this::assertCompletedOnce);
    }

    @Test
    void runs_resumed_above_the_bulk_threshold_are_refreshed_by_a_listing_at_once_and_get_no_get_each()
            throws Exception {
        int partitions = WorkerTestResource.PARTITIONS;
        int perPartition = 26; // the partitions kept track more than the default bulk threshold of 50 already
        // Each run outlives the move by seconds, then completes, so that none stays tracked after the test.
        long finishAt = System.currentTimeMillis() + 16_000;
        Map<String, Integer> partitionOf = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            for (int i = 0; i < perPartition; i++) {
                String id = "resumed-" + p + "-" + i;
                partitionOf.put(id, p);
                topics.send(p, id, "{\"command_id\": \"" + id + "\", \"app_name\": \"resumed-app\", \"batch_id\": 1,"
                        + " \"settings\": {\"tags\": [\"sim-finish-at-ms:" + finishAt + "\"]}}");
            }
        }
        await().atMost(DEADLINE).until(() -> partitionOf.keySet().stream().noneMatch(id -> topics.eventsFor(id).isEmpty()));
        long trackedBy = System.currentTimeMillis(); // every run is tracked (its TRACKING record holds when, or earlier)
        Map<String, String> runIds = new HashMap<>();
        partitionOf.keySet().forEach(id -> runIds.put(id, topics.eventsFor(id).get(0).data().get("run_id").asText()));

        Set<Integer> moved;
        long backAt;
        try (GroupMember member = GroupMember.join()) {
            moved = Set.copyOf(member.awaitPartitions(DEADLINE));
            moved.forEach(p -> await().atMost(DEADLINE).until(() -> !ownership.owns(p)));
            backAt = System.currentTimeMillis();
        }
        await().atMost(DEADLINE).until(() -> moved.stream()
                .allMatch(p -> ownership.owns(p) && !ownership.restoringPartitions().contains(p)));
        long restoredAt = System.currentTimeMillis();
        // A run resumed from its ledger counts as refreshed when it was first tracked, for three bulk intervals: past
        // them, only a listing at once keeps the restore from a GET per run.
        assertThat(restoredAt - trackedBy).as("restore after the runs' own refresh window")
                .isGreaterThan(3L * SlowRequestsProfile.BULK_INTERVAL_MS);
        // A listing of the app within moments of the restore, not at the next tick of its interval.
        await().atMost(Duration.ofSeconds(3)).until(() -> simulator.requests().stream()
                .anyMatch(r -> r.route().endsWith("GET /api/v2/apps/runs") && r.time().toEpochMilli() > backAt
                        && r.query().contains("resumed-app")));
        TimeUnit.MILLISECONDS.sleep(Math.max(0, restoredAt + 2_500 - System.currentTimeMillis())); // GETs are fired at once
        Set<String> resumedRuns = partitionOf.entrySet().stream().filter(e -> moved.contains(e.getValue()))
                .map(e -> runIds.get(e.getKey())).collect(Collectors.toSet());
        assertThat(resumedRuns).hasSize(moved.size() * perPartition);
        assertThat(simulator.requests().stream().filter(r -> r.route().endsWith("/runs/{run_id}")
                && r.method().equals("GET") && r.time().toEpochMilli() > backAt
                && resumedRuns.contains(r.path().substring(r.path().lastIndexOf('/') + 1))))
                .as("GETs of resumed runs in the 2.5 s after their restore").isEmpty();

        partitionOf.keySet().forEach(id -> topics.awaitTerminalEvent(id, DEADLINE));
        partitionOf.keySet().forEach(this::assertCompletedOnce);
    }

    /**
     * Once every terminal event is in: one run, one terminal event and it is {@code completed}, no dead letter, and no event id
     * published with two
     * contents (a restore publishes the last event again, with the same id and content).
     */
    private void assertCompletedOnce(String id) {
        List<CloudEventRecord> events = topics.eventsFor(id);
        assertThat(events.stream().filter(CloudEventRecord::isTerminal).map(CloudEventRecord::id).distinct())
                .as(id + ": terminal event ids").hasSize(1);
        assertThat(events.get(events.size() - 1).type()).as(id).isEqualTo("aihub.run.completed");
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(id))).as(id).isEqualTo(1);
        assertThat(topics.deadLettersWithKey(id)).as(id).isEmpty();
        Map<String, String> contentById = new HashMap<>();
        for (CloudEventRecord event : events) {
            String content = event.type() + "/" + event.data().path("status").asText();
            assertThat(contentById.putIfAbsent(event.id(), content)).as(event.id()).isIn(null, content);
        }
    }

    private static String command(String id, String app) {
        return "{\"command_id\": \"" + id + "\", \"app_name\": \"" + app + "\", \"batch_id\": 1}";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Watches a state owned by other threads (no callback to await on); the time it first held, in epoch ms. */
    private static long awaitMillis(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + DEADLINE).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return System.currentTimeMillis();
    }
}
