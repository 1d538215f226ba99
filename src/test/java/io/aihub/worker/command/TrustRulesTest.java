package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * What a command producer may make the worker do with its AI Hub token: IDs that go into the request path or query
 * have an ID's format, a context has a header token's format even when any context is allowed, and the optional
 * allow-lists of apps, deployments and folders hold. Every refusal names the field and the rule, never the value.
 */
class TrustRulesTest {

    private static final ContextPolicy ANY_CONTEXT = new ContextPolicy(Optional.of("org-1"), List.of("*"));

    private static CommandParser parser(AccessPolicy access) {
        return new CommandParser(1024 * 1024, 32, new CommandValidator(ANY_CONTEXT, access,
                new SecretMasking(Optional.empty(), Optional.empty()), 4, 64));
    }

    private static ParseResult parse(AccessPolicy access, String json) {
        return parser(access).parse(json.getBytes(StandardCharsets.UTF_8), new RecordHeaders());
    }

    private static ParseResult.Invalid refused(AccessPolicy access, String json) {
        ParseResult result = parse(access, json);
        assertThat(result).as(json).isInstanceOf(ParseResult.Invalid.class);
        return (ParseResult.Invalid) result;
    }

    private static RunCommand accepted(AccessPolicy access, String json) {
        ParseResult result = parse(access, json);
        assertThat(result).as(json).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).command();
    }

    private static String withField(String field, String jsonValue) {
        String target = field.equals("deployment_id") ? "" : "\"app_name\": \"a\", ";
        return "{\"command_id\": \"c-1\", " + target + "\"" + field + "\": " + jsonValue + ", \"batch_id\": 1}";
    }

    @Test
    void deployment_and_app_ids_that_could_leave_their_path_segment_are_refused() {
        String rule = ": 1-128 characters of A-Z a-z 0-9 . _ -, not starting with '.'";
        for (String bad : List.of("\"..\"", "\".\"", "\".hidden\"", "\"a/b\"", "\"a%2Fb\"", "\"a b\"", "\"a\\u0000b\"",
                "\"a?x=1\"", "\"a#b\"", "\"" + "d".repeat(129) + "\"")) {
            ParseResult.Invalid deployment = refused(AccessPolicy.OPEN,
                    "{\"command_id\": \"c-1\", \"deployment_id\": " + bad + ", \"batch_id\": 1}");
            ParseResult.Invalid app = refused(AccessPolicy.OPEN,
                    "{\"command_id\": \"c-1\", \"app_id\": " + bad + ", \"batch_id\": 1}");

            assertThat(deployment).isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_FIELD, "deployment_id" + rule,
                    Optional.of("c-1")));
            assertThat(app).isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_FIELD, "app_id" + rule,
                    Optional.of("c-1")));
        }
    }

    @Test
    void ids_of_the_api_shapes_are_accepted() {
        assertThat(accepted(AccessPolicy.OPEN, "{\"command_id\": \"c-1\", \"deployment_id\":"
                + " \"0b7e5c1e-9a1d-4f3e-8c2b-1d2e3f4a5b6c\", \"batch_id\": 1}").target())
                .isEqualTo(new Target.Deployment("0b7e5c1e-9a1d-4f3e-8c2b-1d2e3f4a5b6c"));
        assertThat(accepted(AccessPolicy.OPEN, "{\"command_id\": \"c-1\", \"app_id\": \"app_7.v2\", \"batch_id\": 1}")
                .target()).isEqualTo(new Target.AppById("app_7.v2", Optional.empty()));
    }

    @Test
    void a_context_must_be_a_header_token_even_when_any_context_is_allowed() {
        String rule = "ib_context: 1-128 characters of A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ ` | ~ (an HTTP token)";
        for (String bad : List.of("\"org 1\"", "\"org\\r\\nX-Injected: 1\"", "\"org\\u00e9\"", "\"org,2\"",
                "\"" + "o".repeat(129) + "\"")) {
            assertThat(refused(AccessPolicy.OPEN, withField("ib_context", bad)))
                    .isEqualTo(new ParseResult.Invalid(ErrorCode.INVALID_FIELD, rule, Optional.of("c-1")));
        }
        assertThat(accepted(AccessPolicy.OPEN, withField("ib_context", "\"org-2.team_a\"")).ibContext())
                .isEqualTo("org-2.team_a");
    }

    @Test
    void with_an_app_allow_list_only_the_listed_apps_run_and_no_deployment() {
        AccessPolicy apps = AccessPolicy.of(Optional.of(List.of("invoices", "instabase/classifier", "app-id-7")),
                Optional.empty(), Optional.empty());

        accepted(apps, "{\"command_id\": \"c-1\", \"app_name\": \"invoices\", \"batch_id\": 1}");
        accepted(apps, "{\"command_id\": \"c-1\", \"app_name\": \"classifier\", \"owner\": \"instabase\","
                + " \"batch_id\": 1}");
        accepted(apps, "{\"command_id\": \"c-1\", \"app_id\": \"app-id-7\", \"batch_id\": 1}");
        assertThat(refused(apps, "{\"command_id\": \"c-1\", \"app_name\": \"payroll\", \"batch_id\": 1}"))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.TARGET_NOT_ALLOWED, "app_name: not in aihub.allowed-apps",
                        Optional.of("c-1")));
        assertThat(refused(apps, "{\"command_id\": \"c-1\", \"app_name\": \"classifier\", \"batch_id\": 1}").code())
                .isEqualTo(ErrorCode.TARGET_NOT_ALLOWED);
        assertThat(refused(apps, "{\"command_id\": \"c-1\", \"app_name\": \"invoices\", \"owner\": \"mallory\","
                + " \"batch_id\": 1}").reason()).isEqualTo("app_name, owner: owner/app_name not in aihub.allowed-apps");
        assertThat(refused(apps, "{\"command_id\": \"c-1\", \"app_id\": \"app-id-8\", \"batch_id\": 1}").reason())
                .isEqualTo("app_id: not in aihub.allowed-apps");
        assertThat(refused(apps, "{\"command_id\": \"c-1\", \"deployment_id\": \"d-1\", \"batch_id\": 1}"))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.TARGET_NOT_ALLOWED,
                        "deployment_id: not in aihub.allowed-deployments", Optional.of("c-1")));
    }

    @Test
    void with_a_deployment_allow_list_only_the_listed_deployments_run_and_no_app() {
        AccessPolicy deployments = AccessPolicy.of(Optional.empty(), Optional.of(List.of("d-1")), Optional.empty());

        accepted(deployments, "{\"command_id\": \"c-1\", \"deployment_id\": \"d-1\", \"batch_id\": 1}");
        assertThat(refused(deployments, "{\"command_id\": \"c-1\", \"deployment_id\": \"d-2\", \"batch_id\": 1}")
                .code()).isEqualTo(ErrorCode.TARGET_NOT_ALLOWED);
        assertThat(refused(deployments, "{\"command_id\": \"c-1\", \"app_name\": \"invoices\", \"batch_id\": 1}")
                .reason()).isEqualTo("app_name: not in aihub.allowed-apps");
    }

    @Test
    void with_folder_prefixes_input_and_output_folders_must_lie_in_one_of_them_by_whole_segments() {
        AccessPolicy folders = AccessPolicy.of(Optional.empty(), Optional.empty(),
                Optional.of(List.of("/org-1/ws/fs/drive/in", "org-1/ws/fs/drive/out/")));
        String template = "{\"command_id\": \"c-1\", \"app_name\": \"a\", \"input_dir\": \"%s\"%s}";

        accepted(folders, template.formatted("/org-1/ws/fs/drive/in/2026-12/", ""));
        accepted(folders, template.formatted("org-1//ws/fs/drive/in", ", \"output_dir\": \"/org-1/ws/fs/drive/out/x\""));
        accepted(folders, "{\"command_id\": \"c-1\", \"app_name\": \"a\", \"batch_id\": 1}");
        assertThat(refused(folders, template.formatted("/org-1/ws/fs/drive/inbox/", "")))
                .isEqualTo(new ParseResult.Invalid(ErrorCode.FOLDER_NOT_ALLOWED,
                        "input_dir: not in a folder of aihub.allowed-folder-prefixes", Optional.of("c-1")));
        assertThat(refused(folders, template.formatted("/org-1/ws/fs/drive/in", ", \"output_dir\": \"/org-2/out\""))
                .reason()).isEqualTo("output_dir: not in a folder of aihub.allowed-folder-prefixes");
        for (String escape : List.of("/org-1/ws/fs/drive/in/../../../org-2/secret", "/org-1/ws/fs/drive/in/./x",
                "/org-1/ws/fs/drive/in/%2e%2e/%2E%2e/x", "/org-1/ws/fs/drive/in/.%2e/x", "/org-1/ws/fs/drive/in/\\n")) {
            assertThat(refused(folders, template.formatted(escape, "")))
                    .isEqualTo(new ParseResult.Invalid(ErrorCode.FOLDER_NOT_ALLOWED, "input_dir: '.' and '..' segments"
                            + " and control characters are refused while aihub.allowed-folder-prefixes is set",
                            Optional.of("c-1")));
        }
    }

    @Test
    void a_folder_prefix_that_cannot_be_compared_safely_stops_the_worker() {
        for (String prefix : List.of("/org-1/../org-2", "/", "/org-1/./in")) {
            assertThatThrownBy(() -> AccessPolicy.of(Optional.empty(), Optional.empty(), Optional.of(List.of(prefix))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("aihub.allowed-folder-prefixes: every prefix must name a folder, without '.' or '..'"
                            + " segments or control characters");
        }
    }

    @Test
    void without_allow_lists_any_app_deployment_and_folder_is_accepted() {
        accepted(AccessPolicy.OPEN, "{\"command_id\": \"c-1\", \"app_name\": \"anything\", \"input_dir\":"
                + " \"/any/where/../else\", \"output_dir\": \"/x\"}");
        accepted(AccessPolicy.OPEN, "{\"command_id\": \"c-1\", \"deployment_id\": \"d-9\", \"batch_id\": 1}");
    }
}
