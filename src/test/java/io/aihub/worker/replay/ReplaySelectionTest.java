package io.aihub.worker.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ReplaySelectionTest {

    private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void command_ids_and_codes_are_alternatives_within_and_conditions_across() {
        ReplaySelection selection = new ReplaySelection(Set.of("a", "b"), Set.of("AIHUB_REJECTED"), Optional.empty(),
                Optional.empty(), false);

        assertThat(selection.matches(Optional.of("a"), Optional.of("AIHUB_REJECTED"), T)).isTrue();
        assertThat(selection.matches(Optional.of("b"), Optional.of("AIHUB_REJECTED"), T)).isTrue();
        assertThat(selection.matches(Optional.of("c"), Optional.of("AIHUB_REJECTED"), T)).isFalse();
        assertThat(selection.matches(Optional.of("a"), Optional.of("INVALID_JSON"), T)).isFalse();
        assertThat(selection.matches(Optional.empty(), Optional.of("AIHUB_REJECTED"), T)).isFalse();
    }

    @Test
    void a_time_range_takes_from_inclusive_to_exclusive() {
        ReplaySelection selection = new ReplaySelection(Set.of(), Set.of(), Optional.of(T), Optional.of(T.plusSeconds(60)),
                false);

        assertThat(selection.matches(Optional.empty(), Optional.empty(), T)).isTrue();
        assertThat(selection.matches(Optional.empty(), Optional.empty(), T.plusSeconds(59))).isTrue();
        assertThat(selection.matches(Optional.empty(), Optional.empty(), T.plusSeconds(60))).isFalse();
        assertThat(selection.matches(Optional.empty(), Optional.empty(), T.minusMillis(1))).isFalse();
    }

    @Test
    void all_takes_everything_and_cannot_be_combined_nor_left_out() {
        ReplaySelection all = new ReplaySelection(Set.of(), Set.of(), Optional.empty(), Optional.empty(), true);
        assertThat(all.matches(Optional.empty(), Optional.empty(), T)).isTrue();

        assertThatThrownBy(() -> new ReplaySelection(Set.of("a"), Set.of(), Optional.empty(), Optional.empty(), true))
                .hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> new ReplaySelection(Set.of(), Set.of(), Optional.empty(), Optional.empty(), false))
                .hasMessageContaining("--all");
        assertThatThrownBy(() -> new ReplaySelection(Set.of(), Set.of(), Optional.of(T), Optional.of(T), false))
                .hasMessageContaining("--from must be before --to");
    }

    @Test
    void the_command_line_reads_every_option() {
        ReplayCommandLine.Options options = ReplayCommandLine.parse("replay", "--code", "AIHUB_REJECTED", "--code",
                "RETRIES_EXHAUSTED", "--command-id", "c-1", "--from", "2026-11-28T12:00:00Z", "--to",
                "2026-11-28T13:00:00Z", "--dry-run", "--rate", "5", "--progress-every", "10",
                "--bootstrap-servers", "localhost:9092");

        ReplayRequest request = options.request();
        assertThat(request.selection().codes()).containsExactlyInAnyOrder("AIHUB_REJECTED", "RETRIES_EXHAUSTED");
        assertThat(request.selection().commandIds()).containsExactly("c-1");
        assertThat(request.selection().from()).contains(T);
        assertThat(request.selection().to()).contains(T.plusSeconds(3600));
        assertThat(request.dryRun()).isTrue();
        assertThat(request.ratePerSecond()).isEqualTo(5.0);
        assertThat(request.progressEvery()).isEqualTo(10);
        assertThat(options.bootstrapServers()).contains("localhost:9092");
    }

    @Test
    void the_command_line_refuses_what_it_cannot_use_and_says_why() {
        assertThatThrownBy(() -> ReplayCommandLine.parse("replay", "--colour", "red")).hasMessage("unknown option --colour");
        assertThatThrownBy(() -> ReplayCommandLine.parse("replay", "--code")).hasMessage("--code needs a value");
        assertThatThrownBy(() -> ReplayCommandLine.parse("replay", "--from", "yesterday", "--all"))
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> ReplayCommandLine.parse("replay", "--all", "--rate", "0"))
                .hasMessageContaining("--rate");
        assertThatThrownBy(() -> ReplayCommandLine.parse("replay", "--dry-run")).hasMessageContaining("--all");
    }
}
