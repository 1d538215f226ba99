package io.aihub.worker.submit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

import io.aihub.worker.ledger.SubmissionGuard;

/** The submission attempts of one command so far, and its retry clock. */
final class Attempts {

    final SubmissionGuard guard;
    int posts;
    int failedSearches;
    Instant firstFailedSearchAt;
    Instant firstPostStart;
    Instant lastPostStart;
    Instant firstFailureAt;
    boolean outcomeUnknown;

    /** Start of the retry budget: the first POST, or the resumption of a command found in the ledger. */
    final Instant budgetStart;
    /** Failed POSTs that count against the budget: Unix ms of each (those of an outage are taken out). */
    final ArrayDeque<Long> countedFailures = new ArrayDeque<>();
    /** Time spent in outages, which the retry clock does not count. */
    Duration frozen = Duration.ZERO;
    Instant lastThaw = Instant.EPOCH;

    Attempts(SubmissionGuard guard, Instant now) {
        this.guard = guard;
        this.budgetStart = now;
    }

    /** Time on the retry clock at {@code now}: since the budget started, outages taken out. */
    Duration elapsed(Instant now) {
        return Duration.between(budgetStart, now).minus(frozen);
    }
}
