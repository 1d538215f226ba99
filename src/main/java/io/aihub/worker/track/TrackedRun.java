package io.aihub.worker.track;

import io.aihub.worker.command.RunCommand;

/**
 * The worker's in-memory view of one run it follows. Mutated only by {@link RunTracker}, one step at a time per
 * run (the next poll is scheduled only after the previous one has finished).
 */
final class TrackedRun {

    final int partition;
    /** True while the partition stays assigned as it was when tracking began; a moved run is not ours. */
    final java.util.function.BooleanSupplier held;
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
    volatile long intervalMs;
    volatile long timerId = -1;
    volatile boolean stopped;
    /** The command's trace: every poll and event of this run is made within it. */
    volatile io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.root();

    TrackedRun(int partition, java.util.function.BooleanSupplier held, RunCommand command, String commandHash, String runId, String status, long sequence,
            int attempts, Long firstAttemptAt, long trackingSince, long intervalMs) {
        this.partition = partition;
        this.held = held;
        this.command = command;
        this.commandHash = commandHash;
        this.runId = runId;
        this.status = status;
        this.sequence = sequence;
        this.attempts = attempts;
        this.firstAttemptAt = firstAttemptAt;
        this.trackingSince = trackingSince;
        this.intervalMs = intervalMs;
    }
}
