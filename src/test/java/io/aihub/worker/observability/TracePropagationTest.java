package io.aihub.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.simulator.FaultAction;
import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.RecordedRequest;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.SubmitGate;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.support.GroupMember;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.KafkaTopics;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * W3C trace context travels from a command record's headers through the AI Hub calls (the POST and the status polls)
 * onto every event of that command, dead letters included; a command without one gets a fresh trace. That events
 * published after a restore stay in the trace is checked by {@code LedgerBehaviourTest}'s checkpoint restore.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class TracePropagationTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    AiHubClient client;

    @Inject
    PartitionOwnership ownership;

    @Test
    void a_commands_trace_reaches_the_aihub_calls_and_every_event() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentSpan = "00f067aa0ba902b7";
        String id = "trace-known";
        topics.send(id, command(id, "trace-app").getBytes(StandardCharsets.UTF_8),
                Map.of("traceparent", "00-" + traceId + "-" + parentSpan + "-01", "tracestate", "vendor=abc"));

        List<ConsumerRecord<byte[], byte[]>> events = awaitTerminalRecords(id);

        RecordedRequest post = submissionOf(id);
        Traceparent onPost = Traceparent.parse(post.traceparent().orElseThrow(
                () -> new AssertionError("the POST of " + id + " carried no traceparent")));
        assertThat(onPost.traceId()).isEqualTo(traceId);
        assertThat(onPost.spanId()).isNotEqualTo(parentSpan);
        List<RecordedRequest> polls = pollsOf(post);
        assertThat(polls).as("status polls of the run").isNotEmpty();
        assertThat(polls).allSatisfy(poll -> assertThat(Traceparent.parse(poll.traceparent().orElseThrow()).traceId())
                .isEqualTo(traceId));
        assertThat(events).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events).allSatisfy(event -> {
            Traceparent onEvent = Traceparent.parse(KafkaTopics.header(event, "traceparent"));
            assertThat(onEvent.traceId()).isEqualTo(traceId);
            assertThat(onEvent.spanId()).isNotEqualTo(parentSpan);
            assertThat(event.headers().headers("traceparent")).hasSize(1);
        });
    }

    private ConsumerRecord<byte[], byte[]> awaitTerminalOrCheckpoint(String id) {
        return topics.allEvents().stream()
                .filter(r -> r.key() != null && id.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .findFirst().orElseThrow();
    }

    @Test
    void a_run_restored_from_a_ledger_record_without_a_trace_gets_one_trace_for_its_events() throws Exception {
        String id = "trace-old-record";
        Run run = client.runApp("sim-org", new ObjectMapper().readTree(
                "{\"app_name\": \"trace-old-app\", \"batch_id\": 1, \"settings\": {\"tags\": [\"aihub-run-worker:"
                        + id + "\"]}}"),
                SubmitGate.always())
                .await().atMost(DEADLINE);
        // Written by a worker from before the ledger kept traces: no traceparent field.
        long now = Instant.now().toEpochMilli();
        GroupMember.awayAndBack(ownership, DEADLINE, p -> topics.writeLedger(p, id, "{\"version\": 1, \"command_id\":"
                + " \"" + id + "\", \"state\": \"TRACKING\", \"status\": \"" + run.status() + "\", \"run_id\": \""
                + run.id() + "\", \"sequence\": 1, \"event_type\": \"aihub.run.submitted\", \"event_time\": " + now
                + ", \"event\": {\"command_id\": \"" + id + "\", \"status\": \"" + run.status() + "\", \"attempts\":"
                + " 1}, \"attempts\": 1, \"ib_context\": \"sim-org\", \"app_name\": \"trace-old-app\", \"batch_id\":"
                + " 1, \"updated_at\": " + now + "}"));
        List<ConsumerRecord<byte[], byte[]>> events = awaitTerminalRecords(id);

        assertThat(events).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.stream().map(e -> Traceparent.parse(KafkaTopics.header(e, "traceparent")).traceId())
                .distinct()).as("one trace for the resumed run's events").hasSize(1);
    }

    @Test
    void a_command_without_trace_context_runs_under_a_fresh_trace() {
        String id = "trace-none";
        topics.send(id, command(id, "trace-app"));

        List<ConsumerRecord<byte[], byte[]>> events = awaitTerminalRecords(id);

        Traceparent onPost = Traceparent.parse(submissionOf(id).traceparent().orElseThrow(
                () -> new AssertionError("the POST of " + id + " carried no traceparent")));
        assertThat(events).allSatisfy(event -> assertThat(Traceparent.parse(KafkaTopics.header(event, "traceparent"))
                .traceId()).isEqualTo(onPost.traceId()));
        assertThat(events.get(events.size() - 1).headers().lastHeader("ce_type")).isNotNull();
    }

    @Test
    void rejected_and_dead_lettered_commands_keep_their_trace() {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String parentSpan = "b7ad6b7169203331";
        String traceparent = "00-" + traceId + "-" + parentSpan + "-01";
        String invalid = "trace-invalid";
        topics.send(invalid, ("{\"command_id\": \"" + invalid + "\"}").getBytes(StandardCharsets.UTF_8),
                Map.of("traceparent", traceparent));
        String refused = "trace-refused";
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("trace-refused-app").times(1)
                .then(FaultAction.error(422, "unprocessable")));
        topics.send(refused, command(refused, "trace-refused-app").getBytes(StandardCharsets.UTF_8),
                Map.of("traceparent", traceparent));

        for (String id : List.of(invalid, refused)) {
            List<ConsumerRecord<byte[], byte[]>> events = awaitTerminalRecords(id);
            assertThat(events).allSatisfy(event -> assertThat(
                    Traceparent.parse(KafkaTopics.header(event, "traceparent")).traceId()).isEqualTo(traceId));
            ConsumerRecord<byte[], byte[]> deadLetter = topics.awaitDeadLetter(id, DEADLINE);
            assertThat(deadLetter.headers().headers("traceparent")).hasSize(1);
            assertThat(Traceparent.parse(KafkaTopics.header(deadLetter, "traceparent")).traceId()).isEqualTo(traceId);
        }
    }

    private static String command(String id, String app) {
        return "{\"command_id\": \"" + id + "\", \"app_name\": \"" + app + "\", \"batch_id\": 1}";
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitTerminalRecords(String id) {
        topics.awaitTerminalEvent(id, DEADLINE);
        return topics.allEvents().stream()
                .filter(r -> r.key() != null && id.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
    }

    private RecordedRequest submissionOf(String id) {
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST")
                        && r.commandTag().equals(Optional.of(RecordedRequest.COMMAND_TAG_PREFIX + id)))
                .findFirst().orElseThrow(() -> new AssertionError("no POST recorded for " + id));
    }

    private List<RecordedRequest> pollsOf(RecordedRequest post) {
        String runId = simulator.runsWithTag(post.commandTag().orElseThrow()).get(0).id();
        await().atMost(DEADLINE).until(() -> !polls(runId).isEmpty());
        return polls(runId);
    }

    private List<RecordedRequest> polls(String runId) {
        return simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith("/runs/" + runId)).toList();
    }

    /** A parsed W3C traceparent: version, trace ID, parent span ID, flags. */
    record Traceparent(String traceId, String spanId) {
        static Traceparent parse(String value) {
            assertThat(value).as("traceparent").isNotNull().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
            String[] parts = value.split("-");
            return new Traceparent(parts[1], parts[2]);
        }
    }
}
