package io.aihub.worker.ledger;

import java.util.Optional;

/**
 * What the worker will do with a replayed command, judged from its ledger record the way
 * {@code messaging.CommandHandler} judges it: no record or {@code REJECTED}: taken as new; {@code SUBMISSION_FAILED}:
 * reopened (after a search for a run by its tag); anything else — a run exists or the command is in flight — is a
 * duplicate and is not submitted again.
 *
 * @param text one sentence for the operator
 * @param runId the command's run, if the ledger has one
 * @param alreadyRun true when the worker will not submit the command again
 */
public record LedgerVerdict(String text, Optional<String> runId, boolean alreadyRun) {

    /** The verdict for a command with this ledger record (empty: the ledger does not know it). */
    public static LedgerVerdict of(Optional<LedgerRecord> known) {
        if (known.isEmpty()) {
            return new LedgerVerdict("not in the ledger; will be submitted as a new command", Optional.empty(), false);
        }
        LedgerRecord record = known.get();
        Optional<String> runId = Optional.ofNullable(record.runId());
        if (runId.isPresent()) {
            return new LedgerVerdict("already has run " + runId.get() + " (" + record.state() + ", " + record.status()
                    + "), will not be submitted again", runId, true);
        }
        if (record.state() == LedgerRecord.State.REJECTED) {
            return new LedgerVerdict("ledger: REJECTED; will be validated and submitted again", runId, false);
        }
        if (reopensOnReplay(record)) {
            return new LedgerVerdict("ledger: SUBMISSION_FAILED; the replay reopens it: a search for a run by its tag,"
                    + " then a new submission", runId, false);
        }
        return new LedgerVerdict("ledger: " + record.state() + (record.status() == null ? "" : " " + record.status())
                + "; in flight or ended, will not be submitted again", runId, true);
    }

    /** True when a replayed record may reopen a command in this ledger state (design.md, "Replay"). */
    public static boolean reopensOnReplay(LedgerRecord record) {
        return record.state() == LedgerRecord.State.ENDED && record.runId() == null
                && "SUBMISSION_FAILED".equals(record.status());
    }
}
