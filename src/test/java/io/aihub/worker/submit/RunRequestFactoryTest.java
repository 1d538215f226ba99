package io.aihub.worker.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.command.Input;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.support.RunCommands;

/** The body of Run app and Run deployment (aihub-api.md), built from a command. */
class RunRequestFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    /** The body as it goes on the wire, read back as a tree (so that 42 and 42L compare equal). */
    private static JsonNode wire(JsonNode body) throws Exception {
        return JSON.readTree(body.toString());
    }

    private static ObjectNode object(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void an_app_by_name_on_a_batch_gets_its_name_owner_batch_and_the_run_tag() throws Exception {
        RunCommand command = RunCommands.command("c-1")
                .target(new Target.AppByName("invoice-app", Optional.of("instabase"))).input(new Input.Batch(42))
                .build();

        assertThat(wire(RunRequestFactory.body(command))).isEqualTo(json("""
                {"app_name": "invoice-app", "owner": "instabase", "batch_id": 42,
                 "settings": {"tags": ["aihub-run-worker:c-1"]}}"""));
    }

    @Test
    void an_app_by_id_on_a_folder_gets_its_id_folder_version_and_outputs() throws Exception {
        RunCommand command = RunCommands.command("c-2").target(new Target.AppById("app-id-1", Optional.empty()))
                .input(new Input.Folder("drive/in")).version("3.1.0").outputWorkspace("ws").outputDir("out/c-2")
                .build();

        assertThat(wire(RunRequestFactory.body(command))).isEqualTo(json("""
                {"app_id": "app-id-1", "input_dir": "drive/in", "version": "3.1.0", "output_workspace": "ws",
                 "output_dir": "out/c-2", "settings": {"tags": ["aihub-run-worker:c-2"]}}"""));
    }

    @Test
    void a_deployment_on_a_mailbox_gets_the_upstream_flag_and_window_and_not_its_id() throws Exception {
        RunCommand command = RunCommands.command("c-3").target(new Target.Deployment("dep-77"))
                .input(new Input.Upstream(OptionalLong.of(1_000), OptionalLong.of(2_000))).build();

        ObjectNode body = RunRequestFactory.body(command);

        // The deployment ID goes into the path of Run deployment, never into the body.
        assertThat(wire(body)).isEqualTo(json("""
                {"manual_upstream_integration": true, "from_timestamp": 1000, "to_timestamp": 2000,
                 "settings": {"tags": ["aihub-run-worker:c-3"]}}"""));
        assertThat(body.toString()).doesNotContain("dep-77");
    }

    @Test
    void a_deployment_on_its_upstream_integration_without_a_window_sends_only_the_flag() throws Exception {
        RunCommand command = RunCommands.command("c-4").target(new Target.Deployment("dep-77"))
                .input(new Input.Upstream(OptionalLong.empty(), OptionalLong.empty())).build();

        assertThat(wire(RunRequestFactory.body(command))).isEqualTo(json("""
                {"manual_upstream_integration": true, "settings": {"tags": ["aihub-run-worker:c-4"]}}"""));
    }

    @Test
    void the_run_tag_is_appended_to_the_given_tags_and_other_settings_pass_through() throws Exception {
        RunCommand command = RunCommands.command("c-5")
                .settings(object("{\"tags\": [\"team-ap\"], \"runtime_config\": {\"mode\": \"fast\"}}")).build();

        assertThat(wire(RunRequestFactory.body(command).get("settings"))).isEqualTo(json("""
                {"tags": ["team-ap", "aihub-run-worker:c-5"], "runtime_config": {"mode": "fast"}}"""));
    }

    @Test
    void the_command_is_not_modified_and_each_body_gets_the_tag_once() throws Exception {
        RunCommand command = RunCommands.command("c-6").settings(object("{\"tags\": [\"team-ap\"]}")).build();

        RunRequestFactory.body(command);
        ObjectNode second = RunRequestFactory.body(command);

        assertThat(command.settings().orElseThrow()).isEqualTo(json("{\"tags\": [\"team-ap\"]}"));
        assertThat(wire(second.get("settings").get("tags"))).isEqualTo(json("[\"team-ap\", \"aihub-run-worker:c-6\"]"));
    }
}
