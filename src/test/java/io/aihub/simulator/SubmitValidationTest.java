package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubmitValidationTest {
    private static final String RUN_APP = "/api/v2/apps/runs";
    private static final String RUN_DEPLOYMENT = "/api/v2/apps/deployments/dep-1/runs";
    private static final String RUN_MAILBOX = "/api/v2/apps/deployments/mailbox-dep/runs";
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.perClass(b -> b);
    @RegisterExtension
    static final SimulatorFixture strict = SimulatorFixture.perClass(b -> b.strict(true));

    static Stream<Arguments> brokenAppRuns() {
        return Stream.of(
                Arguments.of("not JSON", "nope", "request body must be a JSON object"),
                Arguments.of("empty body", "", "request body must be a JSON object"),
                Arguments.of("JSON array", "[]", "request body must be a JSON object"),
                Arguments.of("trailing garbage", "{\"app_name\": \"a\", \"batch_id\": 1} x",
                        "request body must be a JSON object"),
                Arguments.of("both app_name and app_id", "{\"app_name\": \"a\", \"app_id\": \"b\", \"batch_id\": 1}",
                        "exactly one of app_name and app_id is required"),
                Arguments.of("neither app_name nor app_id", "{\"batch_id\": 1}",
                        "exactly one of app_name and app_id is required"),
                Arguments.of("app_name not a string", "{\"app_name\": 5, \"batch_id\": 1}",
                        "app_name must be a string"),
                Arguments.of("app_id empty", "{\"app_id\": \"\", \"batch_id\": 1}", "app_id must not be empty"),
                Arguments.of("both batch_id and input_dir",
                        "{\"app_name\": \"a\", \"batch_id\": 1, \"input_dir\": \"/org-1/w/fs/d/\"}",
                        "exactly one of batch_id and input_dir is required"),
                Arguments.of("neither batch_id nor input_dir", "{\"app_name\": \"a\"}",
                        "exactly one of batch_id and input_dir is required"),
                Arguments.of("batch_id as string", "{\"app_name\": \"a\", \"batch_id\": \"12\"}",
                        "batch_id must be an integer"),
                Arguments.of("batch_id as float", "{\"app_name\": \"a\", \"batch_id\": 1.5}",
                        "batch_id must be an integer"),
                Arguments.of("batch_id as whole float", "{\"app_name\": \"a\", \"batch_id\": 5.0}",
                        "batch_id must be an integer"),
                Arguments.of("input_dir not a string", "{\"app_name\": \"a\", \"input_dir\": 7}",
                        "input_dir must be a string"),
                Arguments.of("owner not a string", "{\"app_name\": \"a\", \"batch_id\": 1, \"owner\": true}",
                        "owner must be a string"),
                Arguments.of("version not a string", "{\"app_name\": \"a\", \"batch_id\": 1, \"version\": 2}",
                        "version must be a string"),
                Arguments.of("output_workspace not a string",
                        "{\"app_name\": \"a\", \"batch_id\": 1, \"output_workspace\": []}",
                        "output_workspace must be a string"),
                Arguments.of("output_dir not a string", "{\"app_name\": \"a\", \"batch_id\": 1, \"output_dir\": {}}",
                        "output_dir must be a string"),
                Arguments.of("settings not an object", "{\"app_name\": \"a\", \"batch_id\": 1, \"settings\": []}",
                        "settings must be an object"),
                Arguments.of("keys.custom not an object", withSettings("{\"keys\": {\"custom\": 3}}"),
                        "settings.keys.custom must be an object"),
                Arguments.of("keys.secret value not a string",
                        withSettings("{\"keys\": {\"secret\": {\"api_key\": 3}}}"),
                        "settings.keys.secret.api_key must be a string"),
                Arguments.of("generate_post_process_pdf not a boolean",
                        withSettings("{\"runtime_config\": {\"generate_post_process_pdf\": \"yes\"}}"),
                        "settings.runtime_config.generate_post_process_pdf must be a boolean"),
                Arguments.of("nested pdf password not a string",
                        withSettings("{\"runtime_config\": {\"instabase\": {\"pdf\": {\"passwords\": {\"scan\": 1}}}}}"),
                        "settings.runtime_config.instabase.pdf.passwords.scan must be a string"),
                Arguments.of("tags not an array", withSettings("{\"tags\": \"a\"}"),
                        "settings.tags must be an array of strings"),
                Arguments.of("tag not a string", withSettings("{\"tags\": [\"a\", 2]}"),
                        "settings.tags[1] must be a string"),
                Arguments.of("tags over 500 characters",
                        withSettings("{\"tags\": [\"" + "a".repeat(250) + "\", \"" + "b".repeat(251) + "\"]}"),
                        "settings.tags must be at most 500 characters in total"));
    }

    @ParameterizedTest(name = "run app with {0} is a 400")
    @MethodSource("brokenAppRuns")
    void broken_run_app_body_is_refused_with_the_rule_it_breaks(String description, String body, String message)
            throws Exception {
        SimulatorFixture.Reply reply = sim.post(RUN_APP, body);

        assertEquals(400, reply.status(), reply.body());
        assertEquals(message, reply.message());
        assertEquals(0, sim.server.runsCreated());
    }

    static Stream<Arguments> brokenDeploymentRuns() {
        String exactlyOne = "exactly one of batch_id, input_dir and manual_upstream_integration: true is required";
        return Stream.of(
                Arguments.of("no input", RUN_DEPLOYMENT, "{}", exactlyOne),
                Arguments.of("batch_id and input_dir", RUN_DEPLOYMENT,
                        "{\"batch_id\": 1, \"input_dir\": \"/org-1/w/fs/d/\"}", exactlyOne),
                Arguments.of("batch_id and upstream", RUN_DEPLOYMENT,
                        "{\"batch_id\": 1, \"manual_upstream_integration\": true}", exactlyOne),
                Arguments.of("upstream false only", RUN_DEPLOYMENT, "{\"manual_upstream_integration\": false}",
                        exactlyOne),
                Arguments.of("upstream as string", RUN_DEPLOYMENT, "{\"manual_upstream_integration\": \"true\"}",
                        "manual_upstream_integration must be a boolean"),
                Arguments.of("batch_id as string", RUN_DEPLOYMENT, "{\"batch_id\": \"1\"}",
                        "batch_id must be an integer"),
                Arguments.of("mailbox without window", RUN_MAILBOX, "{\"manual_upstream_integration\": true}",
                        "a mailbox integration requires from_timestamp and to_timestamp"),
                Arguments.of("mailbox with only from", RUN_MAILBOX,
                        "{\"manual_upstream_integration\": true, \"from_timestamp\": 1700000000000}",
                        "a mailbox integration requires from_timestamp and to_timestamp"),
                Arguments.of("mailbox window as strings", RUN_MAILBOX,
                        "{\"manual_upstream_integration\": true, \"from_timestamp\": \"1\", \"to_timestamp\": \"2\"}",
                        "from_timestamp must be a number"),
                Arguments.of("bad settings", RUN_DEPLOYMENT, "{\"batch_id\": 1, \"settings\": {\"tags\": [1]}}",
                        "settings.tags[0] must be a string"));
    }

    @ParameterizedTest(name = "run deployment with {0} is a 400")
    @MethodSource("brokenDeploymentRuns")
    void broken_run_deployment_body_is_refused_with_the_rule_it_breaks(String description, String path, String body,
            String message) throws Exception {
        SimulatorFixture.Reply reply = sim.post(path, body);

        assertEquals(400, reply.status(), reply.body());
        assertEquals(message, reply.message());
        assertEquals(0, sim.server.runsCreated());
    }

    static Stream<Arguments> refusedOnlyInStrictMode() {
        return Stream.of(
                Arguments.of("an unknown field", RUN_APP, "{\"app_name\": \"a\", \"batch_id\": 1, \"deployment_id\": \"d\"}",
                        "unknown field: deployment_id"),
                Arguments.of("an unknown settings key", RUN_APP, withSettings("{\"webhook_config\": {\"url\": \"x\"}}"),
                        "unknown field: settings.webhook_config"),
                Arguments.of("an unknown settings.keys key", RUN_APP, withSettings("{\"keys\": {\"other\": {}}}"),
                        "unknown field: settings.keys.other"),
                Arguments.of("output_workspace", RUN_DEPLOYMENT, "{\"batch_id\": 1, \"output_workspace\": \"w\"}",
                        "unknown field: output_workspace"),
                Arguments.of("app_name", RUN_DEPLOYMENT, "{\"batch_id\": 1, \"app_name\": \"a\"}",
                        "unknown field: app_name"),
                Arguments.of("a reversed mailbox window", RUN_MAILBOX,
                        "{\"manual_upstream_integration\": true, \"from_timestamp\": 2000, \"to_timestamp\": 1000}",
                        "from_timestamp must not be after to_timestamp"),
                Arguments.of("a window without upstream", RUN_DEPLOYMENT,
                        "{\"batch_id\": 1, \"from_timestamp\": 1000, \"to_timestamp\": 2000}",
                        "from_timestamp and to_timestamp are allowed only with manual_upstream_integration"),
                Arguments.of("half a window on a non-mailbox upstream", RUN_DEPLOYMENT,
                        "{\"manual_upstream_integration\": true, \"to_timestamp\": 2000}",
                        "from_timestamp and to_timestamp must be given together"));
    }

    @ParameterizedTest(name = "{0} is accepted, and refused in strict mode")
    @MethodSource("refusedOnlyInStrictMode")
    void what_the_contract_does_not_name_is_accepted_unless_the_simulator_is_strict(String description, String path,
            String body, String message) throws Exception {
        SimulatorFixture.Reply accepted = sim.post(path, body);
        SimulatorFixture.Reply refused = strict.post(path, body);

        assertEquals(2, accepted.status() / 100, accepted.body());
        assertEquals(400, refused.status(), refused.body());
        assertEquals(message, refused.message());
        assertEquals(0, strict.server.runsCreated());
    }

    @Test
    void mailbox_deployment_runs_from_its_upstream_with_a_millisecond_window() throws Exception {
        SimulatorFixture.Reply reply = sim.post(RUN_MAILBOX, "{\"manual_upstream_integration\": true, "
                + "\"from_timestamp\": 1700000000000, \"to_timestamp\": 1700003600000}");

        assertEquals(202, reply.status(), reply.body());
        assertEquals("mailbox-dep", reply.json().get("deployment_id").asText());
    }

    @Test
    void complete_valid_settings_are_accepted_and_the_run_knows_which_files_came_with_a_password() throws Exception {
        String body = "{\"app_name\": \"a\", \"owner\": \"instabase\", \"version\": \"1.2.0\", "
                + "\"input_dir\": \"/org-1/ws/fs/drive/in/\", \"output_dir\": \"/org-1/ws/fs/drive/out/\", "
                + "\"settings\": {\"keys\": {\"custom\": {\"k\": {\"any\": [1]}}, \"secret\": {\"s\": \"vault-name\"}}, "
                + "\"runtime_config\": {\"generate_post_process_pdf\": true, \"ocr.mode\": \"fast\", "
                + "\"instabase\": {\"pdf\": {\"passwords\": {\"a.pdf\": \"p1\", \"b.pdf\": \"p2\"}}}}, "
                + "\"tags\": [\"" + "x".repeat(250) + "\", \"" + "y".repeat(250) + "\"]}}";

        SimulatorFixture.Reply reply = strict.post(RUN_APP, body);

        assertEquals(200, reply.status(), reply.body());
        SimulatedRunView run = strict.server.run(reply.json().get("id").asText()).orElseThrow();
        assertEquals(List.of("a.pdf", "b.pdf"), run.pdfPasswordFiles());
        assertFalse(run.toString().contains("p1"), "the passwords themselves are not kept");
    }

    @Test
    void a_key_with_dots_in_it_is_not_the_pdf_passwords_but_an_unknown_runtime_config_key() throws Exception {
        SimulatorFixture.Reply reply = sim.post(RUN_APP, withSettings(
                "{\"runtime_config\": {\"instabase.pdf.passwords\": {\"a.pdf\": \"p1\"}}}"));

        assertEquals(200, reply.status(), reply.body());
        assertEquals(List.of(), sim.server.run(reply.json().get("id").asText()).orElseThrow().pdfPasswordFiles());
    }

    @Test
    void a_mailbox_window_may_be_any_json_number_of_milliseconds() throws Exception {
        SimulatorFixture.Reply reply = sim.post(RUN_MAILBOX, "{\"manual_upstream_integration\": true, "
                + "\"from_timestamp\": 1700000000000.5, \"to_timestamp\": 1.7000036E12}");

        assertEquals(202, reply.status(), reply.body());
    }

    @Test
    void json_null_counts_as_an_absent_optional_field() throws Exception {
        SimulatorFixture.Reply reply = sim.post(RUN_APP,
                "{\"app_name\": \"a\", \"app_id\": null, \"batch_id\": 3, \"input_dir\": null, \"settings\": null}");

        assertEquals(200, reply.status(), reply.body());
    }

    @Test
    void rejections_never_quote_secret_values_or_passwords() throws Exception {
        SimulatorFixture.Reply secret = sim.post(RUN_APP,
                withSettings("{\"keys\": {\"secret\": {\"ok\": \"vault-secret-name\", \"bad\": {\"v\": \"hunter2\"}}}}"));
        SimulatorFixture.Reply password = sim.post(RUN_APP, withSettings(
                "{\"runtime_config\": {\"instabase\": {\"pdf\": {\"passwords\": {\"f\": [\"hunter2\"]}}}}}"));
        SimulatorFixture.Reply unrelated = sim.post(RUN_APP, "{\"app_name\": \"a\", \"batch_id\": \"hunter2\", "
                + "\"settings\": {\"keys\": {\"secret\": {\"s\": \"vault-secret-name\"}}}}");

        assertEquals(400, secret.status());
        assertEquals("settings.keys.secret.bad must be a string", secret.message());
        assertEquals(400, password.status());
        assertEquals("settings.runtime_config.instabase.pdf.passwords.f must be a string", password.message());
        for (SimulatorFixture.Reply reply : new SimulatorFixture.Reply[] { secret, password, unrelated }) {
            assertFalse(reply.body().contains("hunter2"), reply.body());
            assertFalse(reply.body().contains("vault-secret-name"), reply.body());
        }
    }

    private static String withSettings(String settings) {
        return "{\"app_name\": \"a\", \"batch_id\": 1, \"settings\": " + settings + "}";
    }
}
