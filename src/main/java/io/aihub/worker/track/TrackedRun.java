package io.aihub.worker.track;

import java.util.concurrent.CompletableFuture;

import io.aihub.worker.command.RunCommand;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.ledger.Lease;
import io.opentelemetry.context.Context;

/**
 * The worker's in-memory view of one run it follows. Mutated only by {@link RunTracker}, one step at a time per
 * run (the next poll is scheduled only after the previous one has finished).
 */
final class TrackedRun {

    final int partition;
    /** The partition's lease when tracking began: a run whose lease ended (the partition moved) is not ours. */
    final Lease lease;
    final RunCommand command;
    final String commandHash;
    final String runId;
    final long trackingSince;
    final int attempts;
    final Long firstAttemptAt;
    /** The last status recorded in the ledger and published. */
    volatile String status;
    /** Sequence number of the last event recorded for this command. */
    volatile long sequence;
    /** True once a status poll has answered, so a later 404 means the run was deleted. */
    volatile boolean seen;
    /** An event the ledger recorded that did not go out: it is owed, with its id and content, before any later one. */
    volatile StatusEvent unpublished;
    volatile long intervalMs;
    volatile long timerId = -1;
    volatile boolean stopped;
    /** The command's trace: every poll and event of this run is made within it. */
    volatile Context trace = Context.root();
    /** When the next poll is due (Unix ms), to measure how late it starts. */
    volatile long dueAt;
    /** When the status last seen was asked for (Unix ms), by a GET or a bulk listing. */
    volatile long refreshedAt;
    /** When a bulk listing that showed this run was asked for (Unix ms); 0 before any did. */
    volatile long listedAt;
    /** AI Hub calls spent on this run: POSTs, GETs, and shares of bulk List runs pages (approximate under races). */
    volatile float calls;
    /**
     * True while one step (a poll and what follows, or a change found by a bulk refresh) is under way; the next
     * timer is armed before it is cleared. A new run starts inside its first step.
     */
    private boolean stepping = true;

    TrackedRun(Lease lease, RunCommand command, String commandHash, String runId, String status, long sequence,
            int attempts, Long firstAttemptAt, long trackingSince, long intervalMs) {
        this.partition = lease.partition();
        this.lease = lease;
        this.command = command;
        this.commandHash = commandHash;
        this.runId = runId;
        this.status = status;
        this.sequence = sequence;
        this.attempts = attempts;
        this.firstAttemptAt = firstAttemptAt;
        this.trackingSince = trackingSince;
        this.intervalMs = intervalMs;
        this.refreshedAt = trackingSince;
    }

    /** Completed when a step under way ends, for a revocation that waits for it. */
    private CompletableFuture<Void> stepEnded;

    /** Begins a step; false when one is under way or the run is stopped. */
    synchronized boolean tryStep() {
        if (stepping || stopped) {
            return false;
        }
        stepping = true;
        return true;
    }

    /** Ends the current step (after the next timer was armed, or because the run ended or stopped). */
    synchronized void endStep() {
        stepping = false;
        if (stepEnded != null) {
            stepEnded.complete(null);
            stepEnded = null;
        }
    }

    /** Stops the run: no step begins any more; completes when the step under way, if any, has ended. */
    synchronized CompletableFuture<Void> stop() {
        stopped = true;
        if (!stepping) {
            return CompletableFuture.completedFuture(null);
        }
        if (stepEnded == null) {
            stepEnded = new CompletableFuture<>();
        }
        return stepEnded;
    }
}
