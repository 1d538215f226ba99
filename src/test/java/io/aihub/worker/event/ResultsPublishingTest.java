package io.aihub.worker.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.simulator.FaultAction;
import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.KafkaTopics;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Results publishing against the real broker and the simulator, whose completed runs report 5 files in pages of 2
 * (3 pages). The test profile's record limit (700 bytes) splits every file's result into parts, so each test also
 * proves that the parts arrive in order and reassemble into the file.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class ResultsPublishingTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectSimulator
    SimulatorServer simulator;

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reassembles the files of a run from its records, checking order and headers on the way. */
    private static List<JsonNode> files(List<ConsumerRecord<byte[], byte[]>> records, String commandId, String runId) {
        List<JsonNode> files = new ArrayList<>();
        StringBuilder chunks = new StringBuilder();
        int expectedFile = 0;
        int expectedPart = 1;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(commandId);
            assertThat(KafkaTopics.header(record, "aihub-run-id")).isEqualTo(runId);
            assertThat(KafkaTopics.header(record, "aihub-file-index")).isEqualTo(Integer.toString(expectedFile));
            assertThat(KafkaTopics.header(record, "aihub-part")).isEqualTo(Integer.toString(expectedPart));
            JsonNode value = read(record.value());
            assertThat(value.get("run_id").asText()).isEqualTo(runId);
            int parts = Integer.parseInt(KafkaTopics.header(record, "aihub-parts"));
            assertThat(value.get("parts").asInt()).isEqualTo(parts);
            if (value.has("file")) {
                files.add(value.get("file"));
            } else {
                chunks.append(value.get("file_chunk").asText());
            }
            if (expectedPart == parts) {
                if (chunks.length() > 0) {
                    files.add(read(chunks.toString().getBytes(StandardCharsets.UTF_8)));
                    chunks.setLength(0);
                }
                expectedFile++;
                expectedPart = 1;
            } else {
                expectedPart++;
            }
        }
        return files;
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String commandId, int count) {
        await().atMost(DEADLINE).until(() -> topics.resultsFor(commandId).size() >= count);
        return topics.resultsFor(commandId);
    }

    private static List<String> values(List<JsonNode> files, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode file : files) {
            for (JsonNode f : file.get("documents").get(0).get("fields")) {
                if (f.get("field_name").asText().equals(field)) {
                    values.add(f.get("value").asText());
                }
            }
        }
        return values;
    }

    @Test
    void every_page_of_results_arrives_complete_and_in_order_before_the_completed_event_that_counts_it() {
        topics.send("results-pages", "{\"command_id\": \"results-pages\", \"app_name\": \"results-app\","
                + " \"batch_id\": 7, \"results\": {\"publish\": true, \"include_confidence_scores\": true}}");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("results-pages", DEADLINE);
        CloudEventRecord completed = events.get(events.size() - 1);
        String runId = completed.data().get("run_id").asText();
        JsonNode summary = completed.data().get("results");

        // The completed event is published only after every result record was acknowledged; this test's reader of
        // the results topic may still be behind its reader of the events topic.
        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords("results-pages", summary.get("records").asInt());
        List<JsonNode> files = files(records, "results-pages", runId);

        assertThat(completed.type()).isEqualTo("aihub.run.completed");
        assertThat(summary.get("published").asBoolean()).isTrue();
        assertThat(summary.get("files").asInt()).isEqualTo(5);
        assertThat(summary.get("records").asInt()).isEqualTo(records.size()).isGreaterThan(5);
        assertThat(summary.get("error_fields").asInt()).isZero();
        assertThat(summary.get("has_errors").asBoolean()).isFalse();
        assertThat(files).extracting(f -> f.get("original_file_name").asText()).containsExactly("document-001.pdf",
                "document-002.pdf", "document-003.pdf", "document-004.pdf", "document-005.pdf");
        assertThat(files).extracting(f -> f.get("input_file_path").asText()).allMatch(p -> p.startsWith("/batches/7/"));
        assertThat(values(files, "invoice_number")).containsExactly("INV-00001", "INV-00002", "INV-00003", "INV-00004",
                "INV-00005");
        // include_confidence_scores reached AI Hub (the simulator adds the scores only when asked), and the
        // document's confidence object is published as it came.
        assertThat(files.get(0).get("documents").get(0).get("fields").get(0).get("confidence"))
                .hasToString("{\"model\":0.97,\"ocr\":0.99}");
    }

    @Test
    void a_completed_run_with_error_fields_is_flagged_in_its_event_and_in_its_records() {
        topics.send("results-errors", "{\"command_id\": \"results-errors\", \"app_name\": \"error-fields-app\","
                + " \"batch_id\": 1, \"results\": {\"publish\": true}}");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("results-errors", DEADLINE);
        CloudEventRecord completed = events.get(events.size() - 1);
        String runId = completed.data().get("run_id").asText();

        List<ConsumerRecord<byte[], byte[]>> records = awaitRecords("results-errors",
                completed.data().get("results").get("records").asInt());
        List<JsonNode> files = files(records, "results-errors", runId);

        assertThat(completed.type()).isEqualTo("aihub.run.completed");
        assertThat(completed.data().get("status").asText()).isEqualTo("COMPLETE");
        assertThat(completed.data().get("results").get("has_errors").asBoolean()).isTrue();
        assertThat(completed.data().get("results").get("error_fields").asInt()).isEqualTo(5);
        assertThat(values(files, "total_amount")).containsExactly("ERROR", "ERROR", "ERROR", "ERROR", "ERROR");
        assertThat(records).allMatch(r -> "1".equals(KafkaTopics.header(r, "aihub-error-fields")));
    }

    @Test
    void results_that_cannot_be_fetched_end_in_a_completed_event_that_says_so_after_the_configured_attempts() {
        simulator.faults().add(FaultRule.on(FaultOperation.RESULTS).nameContains("results-broken-app")
                .then(FaultAction.error(503, "results store down")));
        topics.send("results-broken", "{\"command_id\": \"results-broken\", \"app_name\": \"results-broken-app\","
                + " \"batch_id\": 1, \"results\": {\"publish\": true}}");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("results-broken", DEADLINE);
        CloudEventRecord completed = events.get(events.size() - 1);
        long resultCalls = simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith("/" + completed.data().get("run_id").asText()
                        + "/results"))
                .count();

        assertThat(completed.type()).isEqualTo("aihub.run.completed");
        assertThat(completed.data().get("results").get("published").asBoolean()).isFalse();
        assertThat(completed.data().get("results").get("error").get("code").asText()).isEqualTo("RESULTS_UNAVAILABLE");
        assertThat(completed.data().get("results").get("error").get("http_status").asInt()).isEqualTo(503);
        assertThat(resultCalls).isEqualTo(5);
        assertThat(topics.resultsFor("results-broken")).isEmpty();
    }

    @Test
    void a_command_that_does_not_ask_for_results_publishes_none_and_its_event_has_no_results() {
        topics.send("results-none", "{\"command_id\": \"results-none\", \"app_name\": \"results-app\", \"batch_id\": 1}");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("results-none", DEADLINE);

        assertThat(events.get(events.size() - 1).data().has("results")).isFalse();
        assertThat(topics.resultsFor("results-none")).isEmpty();
    }
}
