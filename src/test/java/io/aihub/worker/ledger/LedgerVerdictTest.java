package io.aihub.worker.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class LedgerVerdictTest {

    private static LedgerRecord record(LedgerRecord.State state, String status, String runId) {
        return LedgerRecord.builder("c-1", state).status(status).runId(runId).sequence(2).attempts(1)
                .commandHash("hash").updatedAt(1000L).build();
    }

    @Test
    void a_command_with_a_run_is_safe_to_replay_and_not_submitted_again() {
        LedgerVerdict verdict = LedgerVerdict.of(Optional.of(record(LedgerRecord.State.ENDED, "COMPLETE", "run-9")));

        assertThat(verdict.alreadyRun()).isTrue();
        assertThat(verdict.runId()).contains("run-9");
        assertThat(verdict.text()).isEqualTo("already has run run-9 (ENDED, COMPLETE), will not be submitted again");
    }

    @Test
    void only_a_submission_failure_without_a_run_reopens() {
        assertThat(LedgerVerdict.reopensOnReplay(record(LedgerRecord.State.ENDED, "SUBMISSION_FAILED", null))).isTrue();
        assertThat(LedgerVerdict.reopensOnReplay(record(LedgerRecord.State.ENDED, "TRACKING_FAILED", "run-1"))).isFalse();
        assertThat(LedgerVerdict.reopensOnReplay(record(LedgerRecord.State.SUBMITTING, null, null))).isFalse();
        assertThat(LedgerVerdict.reopensOnReplay(record(LedgerRecord.State.REJECTED, "REJECTED", null))).isFalse();

        assertThat(LedgerVerdict.of(Optional.of(record(LedgerRecord.State.ENDED, "SUBMISSION_FAILED", null))).alreadyRun())
                .isFalse();
        assertThat(LedgerVerdict.of(Optional.of(record(LedgerRecord.State.REJECTED, "REJECTED", null))).alreadyRun())
                .isFalse();
        assertThat(LedgerVerdict.of(Optional.of(record(LedgerRecord.State.SUBMITTING, null, null))).alreadyRun())
                .isTrue();
        assertThat(LedgerVerdict.of(Optional.empty()).text())
                .isEqualTo("not in the ledger; will be submitted as a new command");
    }
}
