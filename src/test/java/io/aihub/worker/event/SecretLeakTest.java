package io.aihub.worker.event;

import static io.aihub.simulator.FaultAction.dropResponse;
import static io.aihub.simulator.FaultAction.error;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Canary secrets — the API token, a secret key name and a PDF password, even when AI Hub echoes them in an error
 * message — never appear in logs, events, dead-letter headers or metrics. (A dead letter's value is the original
 * command and may hold them by design; it is not scanned.)
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class SecretLeakTest extends KafkaFlowTest {

    /** Metrics are served on the management interface (root path /q), not on the HTTP port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    private static final String TOKEN = "canary-token-7Hq2";
    private static final String SECRET_KEY = "CANARY-SECRET-KEY-91";
    private static final String PDF_PASSWORD = "CANARY-PDF-PASSWORD-92";
    private static final String BAD_VALUE = "CANARY-BATCH-93";
    private static final List<String> CANARIES = List.of(TOKEN, SECRET_KEY, PDF_PASSWORD, BAD_VALUE);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    private static String command(String id, String appName) {
        return """
                {"command_id": "%s", "app_name": "%s", "batch_id": 1,
                 "settings": {"keys": {"secret": {"api_key": "%s"}},
                              "runtime_config": {"instabase.pdf.passwords": {"scan.pdf": "%s"}}}}"""
                .formatted(id, appName, SECRET_KEY, PDF_PASSWORD);
    }

    @Test
    void no_canary_secret_reaches_logs_events_dead_letter_headers_or_metrics() throws IOException {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("canary-echo").times(1)
                .then(error(400, "rejected key " + SECRET_KEY + " with password " + PDF_PASSWORD + " for " + TOKEN)));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("canary-dropped").times(1)
                .then(dropResponse()));

        topics.send("canary-echo", command("canary-echo", "canary-echo-app"));
        topics.send("canary-ok", command("canary-ok", "canary-ok-app"));
        topics.send("canary-dropped", command("canary-dropped", "canary-dropped-app"));
        topics.send("canary-invalid", "{\"command_id\": \"canary-invalid\", \"app_name\": \"a\", \"batch_id\": \""
                + BAD_VALUE + "\"}");
        for (String id : List.of("canary-echo", "canary-ok", "canary-dropped", "canary-invalid")) {
            topics.awaitTerminalEvent(id, DEADLINE);
        }
        topics.awaitDeadLetter("canary-echo", DEADLINE);
        topics.awaitDeadLetter("canary-invalid", DEADLINE);

        assertThat(topics.eventsFor("canary-echo").get(0).data().get("error").get("message").asText())
                .isEqualTo("AI Hub answered HTTP 400: rejected key *** with password *** for ***");
        StringBuilder seen = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> event : topics.allEvents()) {
            appendHeaders(seen, event);
            seen.append(new String(event.value(), StandardCharsets.UTF_8)).append('\n');
        }
        for (ConsumerRecord<byte[], byte[]> dead : topics.allDeadLetters()) {
            appendHeaders(seen, dead);
        }
        seen.append(given().get(metricsUrl).then().statusCode(200).extract().asString());
        String log = Files.readString(Path.of("target/quarkus-test.log"));
        assertThat(log).contains("canary-echo", "canary-dropped");

        for (String canary : CANARIES) {
            assertThat(seen.toString()).as("events, dead-letter headers and metrics").doesNotContain(canary);
            assertThat(log).as("log").doesNotContain(canary);
        }
    }

    private static void appendHeaders(StringBuilder out, ConsumerRecord<byte[], byte[]> record) {
        for (Header header : record.headers()) {
            out.append(header.key()).append('=').append(new String(header.value(), StandardCharsets.UTF_8)).append('\n');
        }
    }
}
