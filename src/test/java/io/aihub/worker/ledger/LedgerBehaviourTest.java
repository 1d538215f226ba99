package io.aihub.worker.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.SubmitGate;
import io.aihub.worker.command.DeadLetterHeaders;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.GroupMember;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.KafkaTopics;
import io.aihub.worker.support.TestSimulator;
import io.aihub.worker.support.WorkerTestResource;
import io.aihub.worker.track.PartitionRecovery;
import io.aihub.worker.track.RunTracker;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The ledger against the real broker: the records a command leaves, duplicates that start nothing, a restore that
 * resumes a run waiting at a checkpoint, and a command left {@code submitting} by a crashed worker that is
 * reconciled through List runs before any POST.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class LedgerBehaviourTest extends KafkaFlowTest {

    /** Metrics are served on the management interface (root path /q), not on the HTTP port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    AiHubClient client;

    @Inject
    PartitionRecovery recovery;

    @Inject
    LedgerView ledger;

    @Inject
    PartitionOwnership ownership;

    @Inject
    RunTracker tracker;

    @Inject
    ObjectMapper mapper;

    private static String command(String id, String app) {
        return "{\"command_id\": \"" + id + "\", \"app_name\": \"" + app + "\", \"batch_id\": 1}";
    }

    private long runs(String id) {
        return simulator.runsCreatedWithTag(RunCommand.runTag(id));
    }

    private long posts(String id) {
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(Optional.of(RunCommand.runTag(id))))
                .count();
    }

    private double duplicates() {
        return given().get(metricsUrl).then().extract().asString().lines()
                .filter(l -> l.startsWith("aihub_commands_total{outcome=\"duplicate\"} "))
                // The value follows the labels; a trace exemplar (" # {trace_id=...} 1.0 <time>") may follow it.
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf("} ") + 2).split(" ")[0])).findFirst().orElse(0);
    }

    private int awayAndBack(GroupMember.WhileAway whileAway) throws Exception {
        return GroupMember.awayAndBack(ownership, DEADLINE, whileAway);
    }

    @Test
    void a_command_leaves_submitting_then_tracking_then_ended_records_with_the_event_sequence() {
        topics.send("ledger-trail", command("ledger-trail", "trail-app"));
        topics.awaitTerminalEvent("ledger-trail", DEADLINE);

        List<JsonNode> records = await().atMost(DEADLINE).until(() -> topics.ledgerFor("ledger-trail"),
                r -> r.size() >= 3);

        assertThat(records).extracting(r -> r.get("state").asText()).containsExactly("SUBMITTING", "TRACKING", "ENDED");
        assertThat(records).extracting(r -> r.get("sequence").asLong()).containsExactly(0L, 1L, 2L);
        assertThat(records.get(1).get("event_type").asText()).isEqualTo("aihub.run.submitted");
        assertThat(records.get(2).get("status").asText()).isEqualTo("COMPLETE");
        assertThat(records.get(2).get("run_id").asText()).isEqualTo(records.get(1).get("run_id").asText());
        assertThat(records).allSatisfy(r -> assertThat(r.has("settings")).isFalse());
    }

    @Test
    void a_duplicate_command_with_the_same_key_starts_no_second_run_and_publishes_nothing() {
        double before = duplicates();

        topics.send("dup-key", command("dup-1", "dup-app"));
        topics.send("dup-key", command("dup-1", "dup-app"));
        topics.awaitTerminalEvent("dup-1", DEADLINE);
        await().atMost(DEADLINE).until(() -> duplicates() - before >= 1);
        topics.send("dup-key", command("dup-1", "dup-app"));
        await().atMost(DEADLINE).until(() -> duplicates() - before >= 2);

        assertThat(runs("dup-1")).isEqualTo(1);
        assertThat(posts("dup-1")).isEqualTo(1);
        assertThat(topics.eventsFor("dup-1")).extracting(CloudEventRecord::id).containsExactly("dup-1:1", "dup-1:2");
    }

    @Test
    void a_different_command_reusing_an_id_is_dead_lettered_as_reused_and_starts_no_run() {
        topics.send("reuse-key", command("reused-1", "reuse-app"));
        topics.awaitTerminalEvent("reused-1", DEADLINE);

        topics.send("reuse-other-key", command("reused-1", "another-app")); // another value under the same ID

        ConsumerRecord<byte[], byte[]> deadLetter = topics.awaitDeadLetter("reuse-other-key", DEADLINE);
        assertThat(KafkaTopics.header(deadLetter, DeadLetterHeaders.ERROR_CODE)).isEqualTo("COMMAND_ID_REUSED");
        assertThat(runs("reused-1")).isEqualTo(1);
        assertThat(posts("reused-1")).isEqualTo(1);
        assertThat(topics.eventsFor("reused-1")).extracting(CloudEventRecord::id)
                .containsExactly("reused-1:1", "reused-1:2");
    }

    @Test
    void ended_commands_older_than_the_dedupe_window_are_tombstoned_and_may_run_again() throws Exception {
        // One command per partition, so whichever partition moves holds one.
        List<String> ids = IntStream.range(0, WorkerTestResource.PARTITIONS).mapToObj(p -> "expiring-" + p).toList();
        for (int p = 0; p < ids.size(); p++) {
            topics.send(p, ids.get(p), command(ids.get(p), "expiry-app"));
        }
        for (String id : ids) {
            topics.awaitTerminalEvent(id, DEADLINE);
            await().atMost(DEADLINE).until(() -> ledger.get(id).map(r -> r.state() == LedgerRecord.State.ENDED)
                    .orElse(false));
        }

        recovery.removeEndedBefore(Instant.now().toEpochMilli() + 1);
        ids.forEach(id -> await().atMost(DEADLINE).until(() -> ledger.get(id).isEmpty()));
        int moved = awayAndBack(partition -> {
        });

        String id = ids.get(moved);
        assertThat(ledger.get(id)).isEmpty();
        topics.send(moved, id, command(id, "expiry-app"));
        await().atMost(DEADLINE).until(() -> runs(id) == 2);
    }

    @Test
    void a_restore_resumes_polling_of_a_run_waiting_at_a_checkpoint_and_republishes_its_last_event()
            throws Exception {
        // Runs slow enough to still wait at their checkpoint while their partition is away, one per partition, each
        // in a trace of its own. The trace checks share this restore with the ledger's (a restore takes 20 s).
        simulator.phaseDuration(Duration.ofSeconds(8));
        List<String> ids = IntStream.range(0, WorkerTestResource.PARTITIONS).mapToObj(p -> "restore-ckpt-" + p)
                .toList();
        List<String> traceIds = IntStream.range(0, WorkerTestResource.PARTITIONS)
                .mapToObj(p -> String.format("5af7651916cd43dd8448eb211c8031%02d", p)).toList();
        try {
            for (int p = 0; p < ids.size(); p++) {
                topics.send(p, ids.get(p), command(ids.get(p), "restore-checkpoint-app").getBytes(StandardCharsets.UTF_8),
                        Map.of("traceparent", "00-" + traceIds.get(p) + "-c7ad6b7169203332-01"));
            }
            ids.forEach(id -> await().atMost(DEADLINE).until(() -> topics.eventsFor(id).stream()
                    .anyMatch(e -> e.type().equals("aihub.run.checkpoint"))));
        } finally {
            simulator.phaseDuration(TestSimulator.DEFAULT_PHASE);
        }

        int moved = awayAndBack(partition -> assertThat(tracker.isTracking(ids.get(partition))).isFalse());
        String id = ids.get(moved);
        List<CloudEventRecord> events = topics.awaitTerminalEvent(id, Duration.ofSeconds(60));

        assertThat(events.stream().map(CloudEventRecord::id).distinct())
                .containsExactly(id + ":1", id + ":2", id + ":3", id + ":4");
        assertThat(events).filteredOn(e -> e.id().equals(id + ":2")).hasSize(2)
                .allSatisfy(e -> assertThat(e.type()).isEqualTo("aihub.run.checkpoint"))
                .extracting(CloudEventRecord::time).containsOnly(events.stream()
                        .filter(e -> e.id().equals(id + ":2")).findFirst().orElseThrow().time());
        assertThat(events.get(events.size() - 1).type()).isEqualTo("aihub.run.completed");
        ids.forEach(each -> assertThat(runs(each)).isEqualTo(1));
        // Events published after the restore stay in the command's trace, and so does every ledger record.
        List<ConsumerRecord<byte[], byte[]>> records = topics.allEvents().stream()
                .filter(r -> r.key() != null && id.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
        assertThat(records.stream().map(e -> KafkaTopics.header(e, "ce_id")).distinct().count())
                .as("the last event before the restore is published again").isLessThan(records.size());
        assertThat(records).allSatisfy(event -> assertThat(traceId(KafkaTopics.header(event, "traceparent")))
                .isEqualTo(traceIds.get(moved)));
        assertThat(topics.ledgerFor(id)).isNotEmpty().allSatisfy(record -> assertThat(
                traceId(record.path("traceparent").asText(null))).isEqualTo(traceIds.get(moved)));
    }

    /** The trace ID of a W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>}). */
    private static String traceId(String traceparent) {
        assertThat(traceparent).as("traceparent").isNotNull().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        return traceparent.split("-")[1];
    }

    @Test
    void a_run_left_submitting_by_a_crashed_worker_is_adopted_at_restore_and_its_redelivered_record_posts_nothing()
            throws Exception {
        String id = "crashed-submitting";
        // What a worker that crashed right after its POST left behind: the run, and the intent it recorded.
        Run run = client.runApp("sim-org", mapper.readTree("{\"app_name\": \"crash-app\", \"batch_id\": 1,"
                + " \"settings\": {\"tags\": [\"" + RunCommand.runTag(id) + "\"]}}"), SubmitGate.always()).await()
                .atMost(DEADLINE);
        long now = Instant.now().toEpochMilli();
        int partition = awayAndBack(p -> topics.writeLedger(p, id, "{\"version\": 1, \"command_id\": \"" + id
                + "\", \"state\": \"SUBMITTING\", \"sequence\": 0, \"attempts\": 1, \"first_attempt_at\": "
                + (now - 1000) + ", \"ib_context\": \"sim-org\", \"app_name\": \"crash-app\", \"batch_id\": 1,"
                + " \"updated_at\": " + now + "}"));

        List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);
        topics.send(partition, id, command(id, "crash-app"));
        await().atMost(DEADLINE).until(() -> ledger.get(id).map(r -> r.state() == LedgerRecord.State.ENDED)
                .orElse(false));

        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted", "aihub.run.completed");
        assertThat(events).allSatisfy(e -> assertThat(e.data().get("run_id").asText()).isEqualTo(run.id()));
        assertThat(posts(id)).isEqualTo(1);
        assertThat(runs(id)).isEqualTo(1);
    }

    @Test
    void the_runs_of_many_commands_left_submitting_are_found_by_one_listing_of_their_window() throws Exception {
        String app = "batch-adopt-app";
        List<String> ids = IntStream.range(0, 30).mapToObj(i -> "batch-adopt-" + i).toList();
        // 250 runs of the same app, and then what a worker that crashed with 30 POSTs answered but not yet recorded
        // left behind: the listing is oldest first, so the 30 come last.
        for (int i = 0; i < 250; i++) {
            client.runApp("sim-org", mapper.readTree("{\"app_name\": \"" + app + "\", \"batch_id\": 2, \"settings\":"
                    + " {\"tags\": [\"" + RunCommand.runTag("batch-other-" + i) + "\"]}}"), SubmitGate.always()).await()
                    .atMost(DEADLINE);
        }
        Map<String, String> runIds = new HashMap<>();
        for (String id : ids) {
            runIds.put(id, client.runApp("sim-org", mapper.readTree("{\"app_name\": \"" + app + "\", \"batch_id\": 1,"
                    + " \"settings\": {\"tags\": [\"" + RunCommand.runTag(id) + "\"]}}"), SubmitGate.always()).await()
                    .atMost(DEADLINE).id());
        }
        // A 31st whose POST never reached AI Hub: no run to adopt, so the listing reads on to its end.
        String missing = "batch-adopt-missing";
        long now = Instant.now().toEpochMilli();
        awayAndBack(p -> {
            for (String id : Stream.concat(ids.stream(), Stream.of(missing)).toList()) {
                topics.writeLedger(p, id, "{\"version\": 1, \"command_id\": \"" + id + "\", \"state\": \"SUBMITTING\","
                        + " \"sequence\": 0, \"attempts\": 1, \"first_attempt_at\": " + (now - 1000) + ", \"ib_context\":"
                        + " \"sim-org\", \"app_name\": \"" + app + "\", \"batch_id\": 1, \"updated_at\": " + now + "}");
            }
        });

        for (String id : ids) {
            List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);
            assertThat(events).extracting(CloudEventRecord::type)
                    .containsExactly("aihub.run.submitted", "aihub.run.completed");
            assertThat(events).allSatisfy(e -> assertThat(e.data().get("run_id").asText()).isEqualTo(runIds.get(id)));
            assertThat(posts(id)).as("the crashed worker's POST, and no other").isEqualTo(1);
        }
        assertThat(ledger.get(missing)).map(LedgerRecord::state).contains(LedgerRecord.State.SUBMITTING);
        assertThat(posts(missing)).isZero();
        // The 280 runs fit one page of 1000 (worker.retry.reconcile-page-size), and an empty page ends the listing;
        // one search per command made a listing for each of the 31.
        assertThat(simulator.requests()).filteredOn(r -> r.method().equals("GET") && r.path().endsWith("/v2/apps/runs")
                && r.query() != null && r.query().contains("app_name=" + app))
                .extracting(r -> r.query().replaceAll(".*offset=(\\d+).*", "$1")).containsExactly("0", "280");
    }

    @Test
    void a_run_that_had_ended_when_it_was_recorded_gets_its_terminal_event_after_a_restore() throws Exception {
        String id = "ended-unannounced";
        Run run = client.runApp("sim-org", mapper.readTree("{\"app_name\": \"unannounced-app\", \"batch_id\": 1,"
                + " \"settings\": {\"tags\": [\"" + RunCommand.runTag(id) + "\"]}}"), SubmitGate.always()).await()
                .atMost(DEADLINE);
        await().atMost(DEADLINE).until(() -> "COMPLETE".equals(client.getRun("sim-org", run.id()).await()
                .atMost(DEADLINE).status()));
        // A worker adopted the run when it had already ended, recorded it with its submitted event, and crashed.
        long now = Instant.now().toEpochMilli();
        awayAndBack(p -> topics.writeLedger(p, id, "{\"version\": 1, \"command_id\": \"" + id + "\", \"state\":"
                + " \"TRACKING\", \"status\": \"COMPLETE\", \"run_id\": \"" + run.id() + "\", \"sequence\": 1,"
                + " \"event_type\": \"aihub.run.submitted\", \"event_time\": " + now + ", \"event\": {\"command_id\":"
                + " \"" + id + "\", \"status\": \"COMPLETE\", \"attempts\": 1}, \"attempts\": 1, \"ib_context\":"
                + " \"sim-org\", \"app_name\": \"unannounced-app\", \"batch_id\": 1, \"updated_at\": " + now + "}"));
        List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);

        assertThat(events).extracting(CloudEventRecord::id).containsExactly(id + ":1", id + ":2");
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted", "aihub.run.completed");
        await().atMost(DEADLINE).until(() -> ledger.get(id).map(r -> r.state() == LedgerRecord.State.ENDED)
                .orElse(false));
    }

    @Test
    void a_restored_run_that_ai_hub_no_longer_has_ends_tracking_failed_instead_of_waiting_for_it_to_appear()
            throws Exception {
        String id = "restored-deleted";
        long now = Instant.now().toEpochMilli();
        // The ledger holds a run AI Hub gave (so it was seen); AI Hub has since deleted it.
        awayAndBack(p -> topics.writeLedger(p, id, "{\"version\": 1, \"command_id\": \"" + id + "\", \"state\":"
                + " \"TRACKING\", \"status\": \"RUNNING\", \"run_id\": \"deleted-" + now + "\", \"sequence\": 1,"
                + " \"event_type\": \"aihub.run.submitted\", \"event_time\": " + now + ", \"event\": {\"command_id\":"
                + " \"" + id + "\", \"status\": \"RUNNING\", \"attempts\": 1}, \"attempts\": 1, \"ib_context\":"
                + " \"sim-org\", \"app_name\": \"deleted-app\", \"batch_id\": 1, \"updated_at\": " + now + "}"));

        List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.tracking_failed");
        assertThat(events.get(1).data().get("error").get("code").asText()).isEqualTo("RUN_NOT_FOUND");
    }

    @Test
    void a_command_left_submitting_whose_record_was_committed_ends_orphaned_after_a_search_and_posts_nothing()
            throws Exception {
        String id = "orphaned-intent";
        // Every partition has a record done, so the worker commits past offset 0 when its partition is taken.
        for (int p = 0; p < WorkerTestResource.PARTITIONS; p++) {
            topics.send(p, "orphan-warm-" + p, command("orphan-warm-" + p, "warm-app"));
        }
        for (int p = 0; p < WorkerTestResource.PARTITIONS; p++) {
            topics.awaitTerminalEvent("orphan-warm-" + p, DEADLINE);
        }
        long now = Instant.now().toEpochMilli();
        // The intent names offset 0 of its partition, which the group committed long ago: no record comes back.
        awayAndBack(p -> topics.writeLedger(p, id, "{\"version\": 1, \"command_id\": \"" + id + "\", \"state\":"
                + " \"SUBMITTING\", \"sequence\": 0, \"attempts\": 1, \"first_attempt_at\": " + now + ","
                + " \"source_offset\": 0, \"ib_context\": \"sim-org\", \"app_name\": \"orphan-app\", \"batch_id\": 1,"
                + " \"updated_at\": " + now + "}"));

        List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submission_failed");
        assertThat(events.get(0).data().get("error").get("code").asText()).isEqualTo("ORPHANED_SUBMISSION");
        assertThat(posts(id)).isZero();
        assertThat(simulator.requests()).anyMatch(r -> r.method().equals("GET") && r.path().endsWith("/v2/apps/runs"));
        await().atMost(DEADLINE).until(() -> ledger.get(id).map(r -> r.state() == LedgerRecord.State.ENDED)
                .orElse(false));
    }

    @Test
    void a_command_left_submitting_without_a_run_is_posted_once_after_the_settle_time() throws Exception {
        String id = "crashed-before-post";
        long now = Instant.now().toEpochMilli();
        int partition = awayAndBack(p -> topics.writeLedger(p, id, "{\"version\": 1, \"command_id\": \"" + id
                + "\", \"state\": \"SUBMITTING\", \"sequence\": 0, \"attempts\": 0, \"first_attempt_at\": " + now
                + ", \"ib_context\": \"sim-org\", \"app_name\": \"lost-app\", \"batch_id\": 1, \"updated_at\": "
                + now + "}"));
        Instant resumedAt = Instant.now();

        topics.send(partition, id, command(id, "lost-app"));
        List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);

        assertThat(runs(id)).isEqualTo(1);
        var post = simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(Optional.of(RunCommand.runTag(id))))
                .toList();
        assertThat(post).hasSize(1);
        // request timeout (1 s) + settle time (300 ms) in the test profile
        assertThat(post.get(0).time()).isAfterOrEqualTo(resumedAt.plusMillis(1300));
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted", "aihub.run.completed");
    }
}
