package io.aihub.worker.event;

import static io.aihub.simulator.FaultAction.dropResponse;
import static io.aihub.simulator.FaultAction.error;
import static io.aihub.simulator.FaultAction.runMessage;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.GroupMember;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.OtlpCollector;
import io.aihub.worker.support.TestSimulator;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Canary secrets — the API token, a secret key name and two PDF passwords, one of them with a quote, a backslash, a
 * slash and a non-ASCII letter — never appear, as sent or JSON-escaped, in logs, events, dead-letter headers,
 * metrics, the ledger, the results topic, admin answers or exported spans, even when AI Hub echoes all of them
 * (also JSON-escaped) in a refusal, in the message of a polled run, and in the message of a run resumed from the
 * ledger, which holds only the secrets' fingerprints. (A dead letter's value is the original command and holds them
 * by design; it is not scanned.)
 */
@QuarkusTest
@TestProfile(OtlpCollector.Profile.class)
@WithTestResource(value = WorkerTestResource.class, initArgs = @ResourceArg(name = "phase-duration", value = "PT2S"))
class SecretLeakTest extends KafkaFlowTest {

    /** Metrics are served on the management interface (root path /q), not on the HTTP port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    private static final String TOKEN = "canary-token-7Hq2";
    private static final String SECRET_KEY = "CANARY-SECRET-KEY-91";
    private static final String PDF_PASSWORD = "CANARY-PDF-PASSWORD-92";
    private static final String ODD_PASSWORD = "CANARY\"PDF\\PW/95-\u00e9";
    private static final String FLAT_PASSWORD = "CANARY-FLAT-PDF-PASSWORD-96";
    private static final String BAD_VALUE = "CANARY-BATCH-93";
    private static final List<String> CANARIES = List.of(TOKEN, SECRET_KEY, PDF_PASSWORD, ODD_PASSWORD, FLAT_PASSWORD,
            BAD_VALUE);
    private static final String ADMIN = "Bearer test-admin-token-4Rz8";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What AI Hub says when it echoes everything, the odd password also as a JSON encoder writes it. */
    private static final String ECHO = "key " + SECRET_KEY + " password " + PDF_PASSWORD + " odd " + ODD_PASSWORD
            + " quoted " + jsonEscaped(ODD_PASSWORD) + " ascii " + asciiEscaped(jsonEscaped(ODD_PASSWORD), "%04x")
            + " flat " + FLAT_PASSWORD + " token " + TOKEN;
    private static final String MASKED = "key *** password *** odd *** quoted *** ascii *** flat *** token ***";

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    PartitionOwnership ownership;

    private static String command(String id, String appName, boolean publishResults) {
        ObjectNode command = JSON.createObjectNode().put("command_id", id).put("app_name", appName).put("batch_id", 1);
        ObjectNode settings = command.putObject("settings");
        settings.putObject("keys").putObject("secret").put("api_key", SECRET_KEY);
        // The API's nested form, and a flat dotted key that is passed through as given but is secret too.
        ObjectNode runtimeConfig = settings.putObject("runtime_config");
        runtimeConfig.putObject("instabase").putObject("pdf").putObject("passwords").put("scan.pdf", PDF_PASSWORD)
                .put("odd.pdf", ODD_PASSWORD);
        runtimeConfig.putObject("instabase.pdf.passwords").put("flat.pdf", FLAT_PASSWORD);
        if (publishResults) {
            command.putObject("results").put("publish", true);
        }
        return command.toString();
    }

    private static void sendTraced(String id, String json, String traceId) {
        topics.send(id, json.getBytes(StandardCharsets.UTF_8),
                Map.of("traceparent", "00-" + traceId + "-10f067aa0ba902b8-01"));
    }

    @Test
    void no_canary_secret_reaches_any_output_even_when_ai_hub_echoes_them() throws Exception {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("canary-echo").times(1)
                .then(error(400, "rejected " + ECHO)));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("canary-dropped").times(1)
                .then(dropResponse()));
        simulator.faults().add(FaultRule.on(FaultOperation.STATUS).nameContains("canary-poll-echo")
                .then(runMessage(ECHO)));
        Map<String, String> traces = Map.of("canary-echo", "11111111111111111111111111111111",
                "canary-ok", "22222222222222222222222222222222", "canary-poll-echo", "33333333333333333333333333333333");

        sendTraced("canary-echo", command("canary-echo", "canary-echo-app", false), traces.get("canary-echo"));
        sendTraced("canary-ok", command("canary-ok", "canary-ok-app", true), traces.get("canary-ok"));
        sendTraced("canary-poll-echo", command("canary-poll-echo", "canary-poll-echo-app", false),
                traces.get("canary-poll-echo"));
        topics.send("canary-dropped", command("canary-dropped", "canary-dropped-app", false));
        topics.send("canary-invalid", "{\"command_id\": \"canary-invalid\", \"app_name\": \"a\", \"batch_id\": \""
                + BAD_VALUE + "\"}");
        Resumed restored = runResumedFromTheLedgerSeesAnEcho("canary-restored");
        List<String> ids = new ArrayList<>(List.of("canary-echo", "canary-ok", "canary-poll-echo", "canary-dropped",
                "canary-invalid"));
        ids.addAll(restored.all());
        for (String id : ids) {
            topics.awaitTerminalEvent(id, DEADLINE);
        }
        topics.awaitDeadLetter("canary-echo", DEADLINE);
        topics.awaitDeadLetter("canary-invalid", DEADLINE);
        await().atMost(DEADLINE).until(() -> !topics.resultsFor("canary-ok").isEmpty());
        traces.values().forEach(trace -> await().atMost(DEADLINE)
                .until(() -> OtlpCollector.anyExportContains(HexFormat.of().parseHex(trace))));

        assertThat(topics.eventsFor("canary-echo").get(0).data().get("error").get("message").asText())
                .isEqualTo("AI Hub answered HTTP 400: rejected " + MASKED);
        assertThat(terminal("canary-poll-echo").data().get("msg").asText()).isEqualTo(MASKED);
        assertThat(restored.msg()).isEqualTo(MASKED);

        String outputs = outputsAsText(ids);
        String log = Files.readString(Path.of("target/quarkus-test.log"));
        assertThat(log).contains("canary-echo", "canary-dropped", "canary-restored");
        for (String canary : CANARIES) {
            for (String form : forms(canary)) {
                assertThat(outputs).as("events, dead-letter headers, ledger, results, admin, metrics")
                        .doesNotContain(form);
                assertThat(log).as("log").doesNotContain(form);
                assertThat(OtlpCollector.exports()).as("exported spans")
                        .noneMatch(body -> new String(body, StandardCharsets.UTF_8).contains(form));
            }
        }
    }

    /** The command whose run was resumed from the ledger, and the message of its first event after the echo began. */
    private record Resumed(String id, String msg, List<String> all) {
    }

    /**
     * One checkpointed run per partition; a second member of the group takes partitions and gives them back (a
     * real rebalance), so one run is resumed from its ledger record, and AI Hub echoes the secrets in that run's
     * message from then on.
     */
    private Resumed runResumedFromTheLedgerSeesAnEcho(String prefix) throws Exception {
        List<String> all = new ArrayList<>();
        simulator.phaseDuration(Duration.ofSeconds(8)); // slow enough to still be going after the rebalance
        try {
            for (int p = 0; p < WorkerTestResource.PARTITIONS; p++) {
                all.add(prefix + "-" + p);
                topics.send(p, prefix + "-" + p, command(prefix + "-" + p, prefix + "-" + p + "-checkpoint-app", false));
            }
            // A run takes its phase duration when it is created: keep 8 s until every run exists (a slow machine
            // may post them seconds after they were sent).
            for (String id : all) {
                await().atMost(DEADLINE).until(() -> topics.eventsFor(id).stream()
                        .anyMatch(e -> e.type().equals("aihub.run.checkpoint")));
            }
        } finally {
            simulator.phaseDuration(TestSimulator.DEFAULT_PHASE);
        }
        // The echo begins while another member holds the partition: the worker sees it only once it has resumed the
        // run from its ledger record, which holds fingerprints and no secret.
        String id = prefix + "-" + GroupMember.awayAndBack(ownership, DEADLINE, partition -> simulator.faults()
                .add(FaultRule.on(FaultOperation.STATUS).nameContains(prefix + "-" + partition + "-checkpoint")
                        .then(runMessage(ECHO))));

        CloudEventRecord echoed = await().atMost(DEADLINE).until(() -> topics.eventsFor(id).stream()
                .filter(e -> e.data().hasNonNull("msg") && !e.type().equals("aihub.run.checkpoint")).findFirst(),
                found -> found.isPresent()).orElseThrow();
        assertThat(topics.ledgerFor(id)).anySatisfy(record -> assertThat(record.get("secret_fingerprints"))
                .isNotNull().isNotEmpty());
        return new Resumed(id, echoed.data().get("msg").asText(), all);
    }

    private static CloudEventRecord terminal(String id) {
        return topics.eventsFor(id).stream().filter(CloudEventRecord::isTerminal).findFirst().orElseThrow();
    }

    /** Everything the worker wrote or answered, except dead-letter values and the log. */
    private String outputsAsText(List<String> ids) {
        StringBuilder seen = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> event : topics.allEvents()) {
            append(seen, event, true);
        }
        for (ConsumerRecord<byte[], byte[]> dead : topics.allDeadLetters()) {
            append(seen, dead, false);
        }
        for (ConsumerRecord<byte[], byte[]> ledger : topics.allLedgerRecords()) {
            append(seen, ledger, true);
        }
        for (ConsumerRecord<byte[], byte[]> result : topics.allResults()) {
            append(seen, result, true);
        }
        assertThat(topics.resultsFor("canary-ok")).isNotEmpty();
        for (String id : ids) {
            seen.append(given().header("Authorization", ADMIN).get("/admin/commands/" + id).then().statusCode(200)
                    .extract().asString()).append('\n');
        }
        seen.append(given().header("Authorization", ADMIN).get("/admin/commands").then().statusCode(200).extract()
                .asString()).append('\n');
        seen.append(given().get(metricsUrl).then().statusCode(200).extract().asString());
        return seen.toString();
    }

    private static void append(StringBuilder out, ConsumerRecord<byte[], byte[]> record, boolean withValue) {
        for (Header header : record.headers()) {
            out.append(header.key()).append('=').append(new String(header.value(), StandardCharsets.UTF_8)).append('\n');
        }
        if (withValue && record.value() != null) {
            out.append(new String(record.value(), StandardCharsets.UTF_8)).append('\n');
        }
    }

    /** A canary as sent, and as JSON encoders write it (escaped; non-ASCII as backslash-u, in either case). */
    private static Set<String> forms(String canary) {
        Set<String> forms = new LinkedHashSet<>(List.of(canary, jsonEscaped(canary)));
        forms.add(asciiEscaped(jsonEscaped(canary), "%04x"));
        forms.add(asciiEscaped(jsonEscaped(canary), "%04X"));
        return forms;
    }

    private static String jsonEscaped(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    private static String asciiEscaped(String text, String hexFormat) {
        List<String> parts = new ArrayList<>();
        text.chars().forEach(c -> parts.add(c > 0x7E ? "\\u" + String.format(hexFormat, c) : String.valueOf((char) c)));
        return String.join("", parts);
    }
}
