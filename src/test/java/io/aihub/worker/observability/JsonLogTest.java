package io.aihub.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With JSON logs switched on, every line about a command is one JSON object carrying {@code command_id} (and
 * {@code run_id} once a run exists) in its MDC, whatever thread or timer wrote it; the API token appears nowhere.
 */
@QuarkusTest
@TestProfile(JsonLogTest.JsonLogs.class)
@WithTestResource(WorkerTestResource.class)
class JsonLogTest extends KafkaFlowTest {

    private static final Path LOG = Path.of("target", "quarkus-json-test.log");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** JSON to a file of its own; the console stays as it is. */
    public static class JsonLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.file.json.enabled", "true", "quarkus.log.file.path", LOG.toString());
        }
    }

    @Test
    void lines_about_a_completed_and_a_rejected_command_carry_their_ids_and_no_secret() throws Exception {
        String done = "json-log-done";
        String rejected = "json-log-rejected";
        topics.send(done, "{\"command_id\": \"" + done + "\", \"app_name\": \"json-log-app\", \"batch_id\": 1}");
        topics.send(rejected, "{\"command_id\": \"" + rejected + "\", \"batch_id\": 1}");
        List<CloudEventRecord> events = topics.awaitTerminalEvent(done, DEADLINE);
        topics.awaitTerminalEvent(rejected, DEADLINE);
        String runId = events.get(0).data().path("run_id").asText();
        assertThat(runId).isNotEmpty();

        // The line of the terminal change is written just after its event: wait for it rather than assume it.
        await().atMost(DEADLINE).until(() -> linesMentioning(done).stream()
                .anyMatch(line -> line.path("message").asText().contains("-> COMPLETE")));
        await().atMost(DEADLINE).until(() -> !linesMentioning(rejected).isEmpty());

        List<JsonNode> aboutDone = linesMentioning(done);
        assertThat(aboutDone).allSatisfy(line -> assertThat(line.path("mdc").path("command_id").asText()).isEqualTo(done));
        assertThat(aboutDone).filteredOn(line -> line.path("message").asText().contains(runId))
                .as("lines naming the run").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(line -> assertThat(line.path("mdc").path("run_id").asText()).isEqualTo(runId));
        assertThat(linesMentioning(rejected)).allSatisfy(line -> {
            assertThat(line.path("mdc").path("command_id").asText()).isEqualTo(rejected);
            assertThat(line.path("mdc").has("run_id")).isFalse();
        });
        assertThat(Files.readString(LOG)).doesNotContain("canary-token-7Hq2");
    }

    /** Every line of the log file, each parsed as JSON (a line that is not JSON fails the test). */
    private static List<JsonNode> lines() {
        try {
            return Files.readAllLines(LOG).stream().filter(line -> !line.isBlank()).map(line -> {
                try {
                    return JSON.readTree(line);
                } catch (IOException e) {
                    throw new AssertionError("not a JSON log line: " + line, e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> linesMentioning(String commandId) {
        return lines().stream().filter(line -> line.path("message").asText().contains(commandId)).toList();
    }
}
