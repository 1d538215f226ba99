package io.aihub.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.aihub.simulator.FaultAction;
import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.command.CommandParser;
import io.aihub.worker.command.DeadLetterHeaders;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.event.ResultRecords;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code docs/asyncapi.yaml} describes what the worker really reads and writes: real records it produced on the real
 * broker (events of a completed run and of a rejected command, dead letters) validate against the document's
 * schemas, and its command schema accepts what the worker accepts and refuses what it refuses.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class AsyncApiContractTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode document;
    private static JsonSchema commandSchema;
    private static JsonSchema eventDataSchema;
    private static JsonSchema eventHeadersSchema;
    private static JsonSchema deadLetterHeadersSchema;
    private static JsonSchema resultRecordSchema;
    private static JsonSchema resultHeadersSchema;

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    CommandParser parser;

    @BeforeAll
    static void loadDocument() throws Exception {
        document = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs", "asyncapi.yaml").toFile());
        assertThat(document.path("asyncapi").asText()).isEqualTo("3.0.0");
        assertThat(document.path("channels").findValuesAsText("address"))
                .contains("aihub.run.commands", "aihub.run.events", "aihub.run.commands.dlq", "aihub.run.ledger",
                        "aihub.run.results");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        JsonNode schemas = document.path("components").path("schemas");
        commandSchema = factory.getSchema(schemas.path("RunCommand"));
        eventDataSchema = factory.getSchema(schemas.path("EventData"));
        eventHeadersSchema = factory.getSchema(schemas.path("StatusEventHeaders"));
        deadLetterHeadersSchema = factory.getSchema(schemas.path("DeadLetterHeaders"));
        // EventData refers to ResultsSummary (#/components/schemas/...), which a schema compiled from the EventData
        // node alone cannot resolve: the references are replaced by the schemas they name first.
        eventDataSchema = factory.getSchema(inlined(schemas.path("EventData")));
        resultRecordSchema = factory.getSchema(schemas.path("ResultRecord"));
        resultHeadersSchema = factory.getSchema(schemas.path("ResultRecordHeaders"));
        assertThat(document.at("/components/messages/ResultRecord/payload/$ref").asText())
                .isEqualTo("#/components/schemas/ResultRecord");
        assertThat(document.at("/channels/results/messages/resultRecord/$ref").asText())
                .isEqualTo("#/components/messages/ResultRecord");
        assertThat(document.at("/operations/sendRunResult/messages/0/$ref").asText())
                .isEqualTo("#/channels/results/messages/resultRecord");
        assertThat(document.at("/components/messages/StatusEvent/payload/$ref").asText())
                .isEqualTo("#/components/schemas/EventData");
    }

    @Test
    void events_of_a_completed_run_and_of_a_rejected_command_match_the_event_schemas() {
        String completed = "asyncapi-completed";
        String rejected = "asyncapi-rejected";
        topics.send(completed, "{\"command_id\": \"" + completed + "\", \"app_name\": \"asyncapi-app\", \"batch_id\": 7,"
                + " \"metadata\": {\"order\": \"A-1\"}}");
        topics.send(rejected, "{\"command_id\": \"" + rejected + "\", \"app_name\": \"asyncapi-app\"}");
        topics.awaitTerminalEvent(completed, DEADLINE);
        topics.awaitTerminalEvent(rejected, DEADLINE);

        List<ConsumerRecord<byte[], byte[]>> events = recordsOf(completed);
        events.addAll(recordsOf(rejected));
        assertThat(events).extracting(e -> header(e, "ce_type")).contains("aihub.run.submitted",
                "aihub.run.completed", "aihub.run.rejected");
        for (ConsumerRecord<byte[], byte[]> event : events) {
            assertValid(eventDataSchema, readJson(event.value()), "event data " + header(event, "ce_id"));
            assertValid(eventHeadersSchema, headersOf(event), "event headers " + header(event, "ce_id"));
        }
    }

    @Test
    void result_records_and_the_completed_event_that_counts_them_match_the_results_schemas() {
        String published = "asyncapi-results";
        String broken = "asyncapi-results-broken";
        simulator.faults().add(FaultRule.on(FaultOperation.RESULTS).nameContains("asyncapi-results-broken-app")
                .then(FaultAction.error(503, "results store down")));
        topics.send(published, "{\"command_id\": \"" + published + "\", \"app_name\": \"results-app\", \"batch_id\": 7,"
                + " \"results\": {\"publish\": true}}");
        topics.send(broken, "{\"command_id\": \"" + broken + "\", \"app_name\": \"asyncapi-results-broken-app\","
                + " \"batch_id\": 1, \"results\": {\"publish\": true}}");
        topics.awaitTerminalEvent(published, DEADLINE);
        topics.awaitTerminalEvent(broken, DEADLINE);

        ConsumerRecord<byte[], byte[]> completed = lastEvent(published);
        JsonNode data = readJson(completed.value());
        assertThat(header(completed, "ce_type")).isEqualTo("aihub.run.completed");
        assertThat(data.at("/results/published").asBoolean()).isTrue();
        assertValid(eventDataSchema, data, "completed event with results");
        assertValid(eventHeadersSchema, headersOf(completed), "completed event headers");
        ConsumerRecord<byte[], byte[]> unavailable = lastEvent(broken);
        JsonNode unavailableData = readJson(unavailable.value());
        assertThat(unavailableData.at("/results/published").asBoolean()).isFalse();
        assertThat(unavailableData.at("/results/error/code").asText()).isEqualTo("RESULTS_UNAVAILABLE");
        assertValid(eventDataSchema, unavailableData, "completed event with unavailable results");

        // The test profile's 700-byte record limit splits every file: these are file_chunk parts.
        int count = data.at("/results/records").asInt();
        await().atMost(DEADLINE).until(() -> topics.resultsFor(published).size() >= count);
        List<ConsumerRecord<byte[], byte[]>> records = topics.resultsFor(published);
        assertThat(records).hasSize(count);
        StringBuilder firstFile = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode value = readJson(record.value());
            assertThat(value.has("file_chunk")).as("a part of a split file").isTrue();
            assertValid(resultRecordSchema, value, "result record " + headersOf(record));
            assertValid(resultHeadersSchema, headersOf(record), "result record headers " + headersOf(record));
            if (value.get("file_index").asInt() == 0) {
                firstFile.append(value.get("file_chunk").asText());
            }
        }
        // The same file under the default limit (900000 bytes) is one whole record, built by the worker's own code.
        List<ResultRecords.ResultRecord> whole = ResultRecords.of(JSON, published, data.get("run_id").asText(), 0,
                readJson(firstFile.toString().getBytes(StandardCharsets.UTF_8)), 900_000);
        assertThat(whole).hasSize(1);
        assertThat(readJson(whole.get(0).value()).has("file")).isTrue();
        assertValid(resultRecordSchema, readJson(whole.get(0).value()), "whole-file result record");
        assertValid(resultHeadersSchema, JSON.valueToTree(whole.get(0).headers()), "whole-file result headers");

        // The checks can fail: a part without its chunk, a whole file that claims to be a part, unpublished results
        // without their error, and has_errors that contradicts error_fields are refused.
        ObjectNode chunkless = (ObjectNode) readJson(records.get(0).value());
        chunkless.remove("file_chunk");
        assertThat(resultRecordSchema.validate(chunkless)).isNotEmpty();
        ObjectNode wholeAsPart = (ObjectNode) readJson(whole.get(0).value());
        wholeAsPart.put("parts", 2);
        assertThat(resultRecordSchema.validate(wholeAsPart)).isNotEmpty();
        ObjectNode silent = unavailableData.deepCopy();
        ((ObjectNode) silent.get("results")).remove("error");
        assertThat(eventDataSchema.validate(silent)).isNotEmpty();
        ObjectNode contradicting = data.deepCopy();
        ((ObjectNode) contradicting.get("results")).put("has_errors", true).put("error_fields", 0);
        assertThat(eventDataSchema.validate(contradicting)).isNotEmpty();
    }

    @Test
    void dead_letters_carry_the_documented_headers() {
        String rejected = "asyncapi-dl-rejected";
        String refused = "asyncapi-dl-refused";
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("asyncapi-refused-app").times(1)
                .then(FaultAction.error(422, "unprocessable")));
        topics.send(rejected, "{\"command_id\": \"" + rejected + "\", \"batch_id\": 1}");
        topics.send(refused, "{\"command_id\": \"" + refused + "\", \"app_name\": \"asyncapi-refused-app\", \"batch_id\": 1}");

        for (String key : List.of(rejected, refused)) {
            ConsumerRecord<byte[], byte[]> deadLetter = topics.awaitDeadLetter(key, DEADLINE);
            assertValid(deadLetterHeadersSchema, headersOf(deadLetter), "dead letter " + key);
        }
        assertThat(header(topics.awaitDeadLetter(refused, DEADLINE), DeadLetterHeaders.HTTP_STATUS)).isEqualTo("422");
        // A header the schema requires, taken away, fails the check: the check can fail.
        ObjectNode stripped = headersOf(topics.awaitDeadLetter(refused, DEADLINE));
        stripped.remove(DeadLetterHeaders.CAUSE);
        assertThat(deadLetterHeadersSchema.validate(stripped)).isNotEmpty();
    }

    @Test
    void the_command_schema_accepts_what_the_worker_accepts() throws Exception {
        List<String> valid = List.of(
                Files.readString(Path.of("deploy", "local", "sample-command.json")),
                "{\"command_id\": \"a\", \"app_id\": \"app-1\", \"owner\": \"me\", \"input_dir\": \"in/\","
                        + " \"output_workspace\": \"ws\", \"settings\": {\"tags\": [\"t\"], \"keys\": {\"custom\": {\"k\": \"v\"}}},"
                        + " \"results\": {\"publish\": true}, \"unknown_field\": 1}",
                "{\"command_id\": \"d:1\", \"deployment_id\": \"dep\", \"batch_id\": 1, \"output_dir\": \"out\","
                        + " \"settings\": {\"runtime_config\": {\"instabase\": {\"pdf\": {\"passwords\": {\"a.pdf\": \"p\"}}}}}}",
                "{\"command_id\": \"d.2\", \"deployment_id\": \"dep\", \"manual_upstream_integration\": true,"
                        + " \"from_timestamp\": 1, \"to_timestamp\": 2}");
        for (String command : valid) {
            assertValid(commandSchema, readJson(command.getBytes(StandardCharsets.UTF_8)), command);
            assertThat(parser.parse(command.getBytes(StandardCharsets.UTF_8), new RecordHeaders()))
                    .as("the worker accepts %s", command).isInstanceOf(ParseResult.Parsed.class);
        }
    }

    @Test
    void the_command_schema_refuses_what_the_worker_refuses() throws Exception {
        List<String> invalid = List.of(
                "{\"app_name\": \"a\", \"batch_id\": 1}",
                "{\"command_id\": \"bad id\", \"app_name\": \"a\", \"batch_id\": 1}",
                "{\"command_id\": \"x\", \"batch_id\": 1}",
                "{\"command_id\": \"x\", \"app_name\": \"a\", \"deployment_id\": \"d\", \"batch_id\": 1}",
                "{\"command_id\": \"x\", \"app_name\": \"a\"}",
                "{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": 1, \"input_dir\": \"in\"}",
                "{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": \"1\"}",
                "{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": 0}",
                "{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": 1, \"settings\": {\"runtime_config\":"
                        + " {\"instabase\": {\"pdf\": {\"passwords\": {\"a.pdf\": 1}}}}}}",
                "{\"command_id\": \"x\", \"app_name\": \"a\", \"manual_upstream_integration\": true}",
                "{\"command_id\": \"x\", \"deployment_id\": \"d\", \"owner\": \"o\", \"batch_id\": 1}",
                "{\"command_id\": \"x\", \"deployment_id\": \"d\", \"batch_id\": 1, \"output_workspace\": \"w\"}",
                "{\"command_id\": \"x\", \"deployment_id\": \"d\", \"manual_upstream_integration\": true, \"from_timestamp\": 1}",
                "{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": 1, \"metadata\": {\"k\": 1}}");
        for (String command : invalid) {
            Set<ValidationMessage> errors = commandSchema.validate(readJson(command.getBytes(StandardCharsets.UTF_8)));
            assertThat(errors).as("the schema refuses %s", command).isNotEmpty();
            assertThat(parser.parse(command.getBytes(StandardCharsets.UTF_8), new RecordHeaders()))
                    .as("the worker refuses %s", command).isInstanceOf(ParseResult.Invalid.class);
        }
    }

    /** A copy of {@code schema} with every {@code $ref} to {@code #/...} replaced by (an inlined copy of) its target. */
    private static JsonNode inlined(JsonNode schema) {
        if (schema.isObject() && schema.has("$ref") && schema.get("$ref").asText().startsWith("#/")) {
            return inlined(document.at(schema.get("$ref").asText().substring(1)));
        }
        JsonNode copy = schema.deepCopy();
        if (copy.isObject()) {
            copy.fieldNames().forEachRemaining(name -> ((ObjectNode) copy).set(name, inlined(schema.get(name))));
        } else if (copy.isArray()) {
            for (int i = 0; i < copy.size(); i++) {
                ((ArrayNode) copy).set(i, inlined(schema.get(i)));
            }
        }
        return copy;
    }

    private ConsumerRecord<byte[], byte[]> lastEvent(String commandId) {
        List<ConsumerRecord<byte[], byte[]>> events = recordsOf(commandId);
        return events.get(events.size() - 1);
    }

    private static void assertValid(JsonSchema schema, JsonNode value, String what) {
        assertThat(schema.validate(value)).as("%s: %s", what, value).isEmpty();
    }

    private List<ConsumerRecord<byte[], byte[]>> recordsOf(String commandId) {
        return new ArrayList<>(topics.allEvents().stream()
                .filter(r -> r.key() != null && commandId.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .toList());
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** A record's headers as a JSON object of strings (the last value of each name). */
    private static ObjectNode headersOf(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode headers = JSON.createObjectNode();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static JsonNode readJson(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new AssertionError("not JSON", e);
        }
    }
}
