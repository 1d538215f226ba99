package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The command format's rules, checked on the parser alone. */
class CommandParserTest {

    private final CommandParser parser = new CommandParser(1024 * 1024, 32,
            new CommandValidator(new ContextPolicy(Optional.of("org-1"), List.of("org-2")), AccessPolicy.OPEN,
                    new SecretMasking(Optional.of("api-token"), Optional.empty()), 4, 64));

    private ParseResult parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
    }

    private RunCommand valid(String json) {
        ParseResult result = parse(json);
        assertThat(result).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).command();
    }

    private ParseResult.Invalid invalid(String json) {
        ParseResult result = parse(json);
        assertThat(result).isInstanceOf(ParseResult.Invalid.class);
        return (ParseResult.Invalid) result;
    }

    @Test
    void an_app_by_name_with_a_batch_reads_every_field() {
        RunCommand command = valid("""
                {"command_id": "c-1", "app_name": "invoices", "owner": "instabase", "version": "3",
                 "batch_id": 12, "output_workspace": "ws", "metadata": {"k": "v"}, "unknown_field": 1,
                 "results": {"publish": true, "include_source_info": true}}""");

        assertThat(command.commandId()).isEqualTo("c-1");
        assertThat(command.target()).isEqualTo(new Target.AppByName("invoices", Optional.of("instabase")));
        assertThat(command.input()).isEqualTo(new Input.Batch(12));
        assertThat(command.version()).contains("3");
        assertThat(command.outputWorkspace()).contains("ws");
        assertThat(command.ibContext()).isEqualTo("org-1");
        assertThat(command.metadata()).containsExactly(Map.entry("k", "v"));
        assertThat(command.results()).isEqualTo(new ResultsRequest(true, false, false, false, true));
    }

    @Test
    void a_deployment_with_its_upstream_integration_and_window_is_valid() {
        RunCommand command = valid("""
                {"command_id": "c-2", "deployment_id": "d-1", "manual_upstream_integration": true,
                 "from_timestamp": 1000, "to_timestamp": 2000, "ib_context": "org-2"}""");

        assertThat(command.target()).isEqualTo(new Target.Deployment("d-1"));
        assertThat(command.input()).isEqualTo(new Input.Upstream(OptionalLong.of(1000),
                OptionalLong.of(2000)));
        assertThat(command.ibContext()).isEqualTo("org-2");
    }

    @Test
    void secret_key_names_and_pdf_passwords_are_collected_as_secrets() {
        RunCommand command = valid("""
                {"command_id": "c-3", "app_id": "a", "input_dir": "/org-1/x/",
                 "settings": {"keys": {"secret": {"api": "vault-name-1"}},
                              "runtime_config": {"instabase.pdf.passwords": {"f.pdf": "pw-1"},
                                                 "instabase": {"pdf": {"passwords": {"g.pdf": "pw-2"}}}}}}""");

        assertThat(command.secrets().values()).containsExactlyInAnyOrder("vault-name-1", "pw-1", "pw-2");
    }

    private static RecordHeaders headers(String... namesAndValues) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private ParseResult parse(String json, RecordHeaders headers) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void a_binary_cloudevent_carries_the_command_as_its_data() {
        ParseResult result = parse("{\"command_id\": \"ce-1\", \"app_name\": \"a\", \"batch_id\": 1}",
                headers("ce_specversion", "1.0", "ce_id", "e-1", "ce_source", "/producer", "ce_type", "run.requested",
                        "content-type", "application/json; charset=utf-8"));

        assertThat(result).isInstanceOfSatisfying(ParseResult.Parsed.class,
                p -> assertThat(p.command().commandId()).isEqualTo("ce-1"));
    }

    @Test
    void a_binary_cloudevent_needs_its_id_source_and_type_headers() {
        String command = "{\"command_id\": \"ce-b\", \"app_name\": \"a\", \"batch_id\": 1}";

        assertThat(parse(command, headers("ce_specversion", "1.0", "ce_source", "/p", "ce_type", "t")))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_CLOUDEVENT,
                        "ce_id: required in a CloudEvent (binary mode)", Optional.of("ce-b")));
        assertThat(parse(command, headers("ce_specversion", "1.0", "ce_id", "1", "ce_type", "t")))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_CLOUDEVENT,
                        "ce_source: required in a CloudEvent (binary mode)", Optional.of("ce-b")));
        assertThat(parse(command, headers("ce_specversion", "1.0", "ce_id", "1", "ce_source", "/p", "ce_type", "")))
                .isInstanceOfSatisfying(ParseResult.Invalid.class,
                        invalid -> assertThat(invalid.reason()).startsWith("ce_type: required"));
    }

    @Test
    void a_structured_cloudevent_carries_the_command_in_data() {
        RunCommand command = valid("""
                {"specversion": "1.0", "id": "x", "source": "/p", "type": "t",
                 "data": {"command_id": "ce-2", "app_name": "a", "batch_id": 1}}""");

        assertThat(command.commandId()).isEqualTo("ce-2");
    }

    @Test
    void a_structured_cloudevent_may_carry_the_command_base64_encoded_in_data_base64() {
        String data = Base64.getEncoder().encodeToString(
                "{\"command_id\": \"ce-64\", \"app_name\": \"a\", \"batch_id\": 1}".getBytes(StandardCharsets.UTF_8));

        RunCommand command = valid("""
                {"specversion": "1.0", "id": "x", "source": "/p", "type": "t", "datacontenttype": "application/json",
                 "data_base64": "%s"}""".formatted(data));

        assertThat(command.commandId()).isEqualTo("ce-64");
        assertThat(command.target()).isEqualTo(new Target.AppByName("a", Optional.empty()));
    }

    @Test
    void the_cloudevents_content_type_makes_a_record_structured_even_without_data() {
        ParseResult result = parse("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/p\", \"type\": \"t\"}",
                headers("content-type", "Application/CloudEvents+JSON; charset=UTF-8"));

        assertThat(result).isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_CLOUDEVENT, "the CloudEvent has no data",
                Optional.empty()));
    }

    @Test
    void a_plain_command_with_a_specversion_field_and_no_data_is_a_command_not_a_cloudevent() {
        RunCommand command = valid("""
                {"command_id": "plain-1", "app_name": "a", "batch_id": 1, "specversion": "2"}""");

        assertThat(command.commandId()).isEqualTo("plain-1");
    }

    @Test
    void a_structured_cloudevent_needs_its_id_source_and_type_and_names_the_missing_one() {
        String data = "\"data\": {\"command_id\": \"ce-3\", \"app_name\": \"a\", \"batch_id\": 1}";

        assertThat(invalid("{\"specversion\": \"1.0\", \"source\": \"/p\", \"type\": \"t\", " + data + "}"))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_CLOUDEVENT,
                        "id: required in a CloudEvent, as a non-empty string", Optional.of("ce-3")));
        assertThat(invalid("{\"specversion\": \"1.0\", \"id\": \"1\", \"type\": \"t\", " + data + "}").reason())
                .isEqualTo("source: required in a CloudEvent, as a non-empty string");
        assertThat(invalid("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/p\", " + data + "}").reason())
                .isEqualTo("type: required in a CloudEvent, as a non-empty string");
    }

    @Test
    void data_and_data_base64_together_or_data_base64_that_is_not_base64_are_refused() {
        String base = "{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/p\", \"type\": \"t\", ";

        assertThat(invalid(base + "\"data\": {}, \"data_base64\": \"e30=\"}"))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_CLOUDEVENT,
                        "data, data_base64: a CloudEvent holds one of them, not both", Optional.empty()));
        assertThat(invalid(base + "\"data_base64\": \"SECRET-ish not base64\"}"))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_CLOUDEVENT,
                        "data_base64: not valid base64 (RFC 4648)", Optional.empty()));
    }

    @Test
    void broken_rules_give_their_codes_and_name_fields_not_values() {
        assertThat(invalid("nope").code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(invalid("[1]").code()).isEqualTo(ErrorCode.NOT_AN_OBJECT);
        assertThat(invalid("{\"command_id\": \"x\", \"app_name\": \"a\"}").code()).isEqualTo(ErrorCode.MISSING_FIELD);
        ParseResult.Invalid both = invalid("{\"command_id\": \"x\", \"app_name\": \"a\", \"app_id\": \"b\", \"batch_id\": 1}");
        assertThat(both.code()).isEqualTo(ErrorCode.CONFLICTING_FIELDS);
        assertThat(both.commandId()).contains("x");
        ParseResult.Invalid badType = invalid("{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": \"secret-ish\"}");
        assertThat(badType.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(badType.reason()).isEqualTo("batch_id: must be an integer").doesNotContain("secret-ish");
        assertThat(invalid("{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": 1, \"ib_context\": \"other\"}")
                .code()).isEqualTo(ErrorCode.CONTEXT_NOT_ALLOWED);
    }

    @Test
    void invalid_utf8_is_rejected_not_replaced() {
        byte[] value = { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };

        ParseResult result = parser.parse(value, new RecordHeaders());

        assertThat(result).isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_ENCODING, "the value is not valid UTF-8",
                Optional.empty()));
    }

    @Test
    void tags_longer_than_the_api_allows_with_the_worker_tag_are_rejected() {
        String tag = "t".repeat(483);
        ParseResult.Invalid result = invalid("{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": 1,"
                + " \"settings\": {\"tags\": [\"" + tag + "\"]}}");

        assertThat(result.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(result.reason()).startsWith("settings.tags:");
    }

    @Test
    void a_tag_with_the_worker_tags_prefix_is_rejected_so_no_search_takes_the_run_for_another_command() {
        ParseResult.Invalid result = invalid("{\"command_id\": \"x\", \"app_name\": \"a\", \"batch_id\": 1,"
                + " \"settings\": {\"tags\": [\"team-a\", \"aihub-run-worker:y\"]}}");

        assertThat(result.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(result.reason()).isEqualTo("settings.tags: a tag may not start with 'aihub-run-worker:', which the"
                + " worker's own tag uses");
    }
}
