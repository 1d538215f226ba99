package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioTest {
    private static final long PHASE = 1_000;

    @ParameterizedTest(name = "{0} selects {1}")
    @CsvSource({
            "invoice-app, DEFAULT",
            "will-FAIL-soon, FAIL",
            "cancel-me, CANCEL",
            "checkpoint-review, CHECKPOINT",
            "unknown-status-app, UNKNOWN_STATUS",
            "forever-running, FOREVER",
            "forever-fail, FOREVER",
            "checkpoint-then-fail, CHECKPOINT",
            "cancel-or-fail, CANCEL",
            "zero-finish-error-fields, DEFAULT"
    })
    void nameKeywordSelectsScenarioInPrecedenceOrder(String name, Scenario expected) {
        assertEquals(expected, Scenario.forName(name));
    }

    @Test
    void every_scenario_walks_its_phases_then_settles() {
        assertEquals(List.of("RUNNING", "COMPLETE", "COMPLETE"), statuses(Scenario.DEFAULT, 3));
        assertEquals(List.of("RUNNING", "FAILED", "FAILED"), statuses(Scenario.FAIL, 3));
        assertEquals(List.of("RUNNING", "CANCELLED", "CANCELLED"), statuses(Scenario.CANCEL, 3));
        assertEquals(List.of("RUNNING", "STOPPED_AT_CHECKPOINT", "RUNNING", "COMPLETE", "COMPLETE"),
                statuses(Scenario.CHECKPOINT, 5));
        assertEquals(List.of("RUNNING", "WEIRD_NEW_STATUS", "COMPLETE", "COMPLETE"),
                statuses(Scenario.UNKNOWN_STATUS, 4));
        assertEquals(List.of("RUNNING", "RUNNING", "RUNNING", "RUNNING"), statuses(Scenario.FOREVER, 4));
    }

    @Test
    void finish_offset_is_the_length_of_all_phases_and_absent_for_forever() {
        assertEquals(Optional.of(PHASE), Scenario.DEFAULT.finishOffsetNanos(PHASE));
        assertEquals(Optional.of(3 * PHASE), Scenario.CHECKPOINT.finishOffsetNanos(PHASE));
        assertEquals(Optional.of(2 * PHASE), Scenario.UNKNOWN_STATUS.finishOffsetNanos(PHASE));
        assertEquals(Optional.empty(), Scenario.FOREVER.finishOffsetNanos(PHASE));
    }

    @Test
    void a_clock_that_went_backwards_reads_as_the_first_phase() {
        assertEquals("RUNNING", Scenario.DEFAULT.statusAt(-5 * PHASE, PHASE));
    }

    @Test
    void failed_cancelled_and_checkpoint_runs_explain_themselves() {
        assertEquals(Optional.of("Run failed (simulated)"), Scenario.FAIL.messageFor("FAILED"));
        assertEquals(Optional.of("Run was cancelled by a user (simulated)"), Scenario.CANCEL.messageFor("CANCELLED"));
        assertEquals(Optional.of("Validation failed: waiting for human review (simulated)"),
                Scenario.CHECKPOINT.messageFor("STOPPED_AT_CHECKPOINT"));
        assertEquals(Optional.empty(), Scenario.DEFAULT.messageFor("COMPLETE"));
    }

    private static List<String> statuses(Scenario scenario, int phases) {
        List<String> seen = new ArrayList<>();
        for (int phase = 0; phase < phases; phase++) {
            seen.add(scenario.statusAt(phase * PHASE + PHASE / 2, PHASE));
        }
        return seen;
    }
}
