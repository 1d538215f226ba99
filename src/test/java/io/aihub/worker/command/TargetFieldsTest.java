package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.aihub.worker.support.RunCommands;

/** The one mapping of a command's target and input to the API's flat fields, and back. */
class TargetFieldsTest {

    private static final List<Target> TARGETS = List.of(
            new Target.AppByName("invoice-app", Optional.empty()),
            new Target.AppByName("marketplace-app", Optional.of("instabase")),
            new Target.AppById("app-id-1", Optional.empty()),
            new Target.AppById("app-id-2", Optional.of("acme")),
            new Target.Deployment("dep-1"));

    private static final List<Input> INPUTS = List.of(
            new Input.Batch(42),
            new Input.Folder("drive/in"),
            new Input.Upstream(OptionalLong.empty(), OptionalLong.empty()),
            new Input.Upstream(OptionalLong.of(1_000), OptionalLong.of(2_000)),
            new Input.Upstream(OptionalLong.of(1_000), OptionalLong.empty()));

    /** Every target kind with every input kind. */
    static Stream<Arguments> everyTargetWithEveryInput() {
        return TARGETS.stream().flatMap(target -> INPUTS.stream().map(input -> Arguments.of(target, input)));
    }

    @Test
    void an_app_by_name_with_its_owner_and_a_batch_fill_only_their_own_fields() {
        assertThat(TargetFields.of(new Target.AppByName("marketplace-app", Optional.of("instabase")), new Input.Batch(42)))
                .isEqualTo(new TargetFields("marketplace-app", null, "instabase", null, 42L, null, null, null, null));
    }

    @Test
    void an_app_by_id_without_an_owner_and_a_folder_fill_only_their_own_fields() {
        assertThat(TargetFields.of(new Target.AppById("app-id-1", Optional.empty()), new Input.Folder("drive/in")))
                .isEqualTo(new TargetFields(null, "app-id-1", null, null, null, "drive/in", null, null, null));
    }

    @Test
    void a_deployment_on_its_upstream_integration_carries_the_mailbox_window_when_given() {
        Target deployment = new Target.Deployment("dep-1");

        assertThat(TargetFields.of(deployment, new Input.Upstream(OptionalLong.of(1_000), OptionalLong.of(2_000))))
                .isEqualTo(new TargetFields(null, null, null, "dep-1", null, null, true, 1_000L, 2_000L));
        assertThat(TargetFields.of(deployment, new Input.Upstream(OptionalLong.empty(), OptionalLong.empty())))
                .isEqualTo(new TargetFields(null, null, null, "dep-1", null, null, true, null, null));
    }

    @Test
    void the_fields_of_a_command_are_those_of_its_target_and_input() {
        RunCommand command = RunCommands.command("c-1").target(new Target.Deployment("dep-1"))
                .input(new Input.Folder("drive/in")).build();

        assertThat(TargetFields.of(command)).isEqualTo(TargetFields.of(command.target(), command.input()));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("everyTargetWithEveryInput")
    void the_fields_read_back_as_the_same_target_and_input(Target target, Input input) {
        TargetFields fields = TargetFields.of(target, input);

        assertThat(fields.target()).isEqualTo(target);
        assertThat(fields.input()).isEqualTo(input);
    }

    @Test
    void fields_naming_more_than_one_target_read_as_the_deployment_then_the_app_id() {
        assertThat(new TargetFields("name", "app-id", null, "dep-1", 1L, null, null, null, null).target())
                .isEqualTo(new Target.Deployment("dep-1"));
        assertThat(new TargetFields("name", "app-id", "acme", null, 1L, null, null, null, null).target())
                .isEqualTo(new Target.AppById("app-id", Optional.of("acme")));
    }

    @Test
    void fields_naming_more_than_one_input_read_as_the_batch_then_the_folder() {
        assertThat(new TargetFields("app", null, null, null, 7L, "drive/in", true, 1L, 2L).input())
                .isEqualTo(new Input.Batch(7));
        assertThat(new TargetFields("app", null, null, null, null, "drive/in", true, 1L, 2L).input())
                .isEqualTo(new Input.Folder("drive/in"));
    }
}
