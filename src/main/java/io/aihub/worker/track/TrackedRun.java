package io.aihub.worker.track;

import java.time.Instant;

import io.aihub.worker.command.RunCommand;

/**
 * The worker's in-memory view of one run it follows. Mutated only by {@link RunTracker}, one poll at a time per
 * run (the next poll is scheduled only after the previous one has finished).
 */
final class TrackedRun {

    final RunCommand command;
    final String runId;
    final Instant trackingSince;
    final int attempts;
    /** The last status published in an event. */
    volatile String status;
    /** Sequence number of the last event published for this command. */
    volatile long sequence;
    /** True once a status poll has answered, so a later 404 means the run was deleted. */
    volatile boolean seen;
    volatile long intervalMs;
    volatile long timerId = -1;

    TrackedRun(RunCommand command, String runId, String status, long sequence, int attempts, Instant trackingSince,
            long intervalMs) {
        this.command = command;
        this.runId = runId;
        this.status = status;
        this.sequence = sequence;
        this.attempts = attempts;
        this.trackingSince = trackingSince;
        this.intervalMs = intervalMs;
    }
}
