package io.aihub.worker.replay;

import java.util.Optional;

/**
 * One replay: what to take, whether to only list it, and how fast to send it.
 *
 * @param selection which dead letters
 * @param dryRun list what would be replayed and publish nothing
 * @param ratePerSecond most records sent per second
 * @param progressEvery a progress line after this many dead letters read (and at least every 5 s)
 */
public record ReplayRequest(ReplaySelection selection, boolean dryRun, double ratePerSecond, int progressEvery) {

    /** Default records per second: slow enough that a replay does not swamp the worker or AI Hub's rate budget. */
    public static final double DEFAULT_RATE = 50;
    /** Default number of dead letters between two progress lines. */
    public static final int DEFAULT_PROGRESS_EVERY = 1000;

    public ReplayRequest {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("--rate must be a positive number of records per second");
        }
        if (progressEvery < 1) {
            throw new IllegalArgumentException("progress interval must be at least 1");
        }
    }

    /** A request with the default rate and progress interval. */
    public static ReplayRequest of(ReplaySelection selection, boolean dryRun, Optional<Double> rate) {
        return new ReplayRequest(selection, dryRun, rate.orElse(DEFAULT_RATE), DEFAULT_PROGRESS_EVERY);
    }
}
