package io.aihub.worker.track;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.aihub.worker.aihub.RunStatus;
import io.aihub.worker.config.WorkerConfig;

/**
 * The adaptive polling interval of one run: short after a change, growing while nothing changes, capped, slower at
 * a checkpoint (human review takes hours), with random jitter so runs submitted together do not poll together.
 */
final class PollSchedule {

    private final long initialMs;
    private final double multiplier;
    private final long maxMs;
    private final long checkpointMs;
    private final double jitter;

    PollSchedule(WorkerConfig.Tracking config) {
        this(config.pollInitial(), config.pollMultiplier(), config.pollMax(), config.checkpointPollInterval(),
                config.jitter());
    }

    PollSchedule(Duration initial, double multiplier, Duration max, Duration checkpoint, double jitter) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.multiplier = Math.max(1.0, multiplier);
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.checkpointMs = Math.max(1, checkpoint.toMillis());
        this.jitter = Math.min(1.0, Math.max(0.0, jitter));
    }

    /** The base interval before the first poll, and after a status change. */
    long initialMs() {
        return initialMs;
    }

    /** The next base interval after a poll that saw {@code status}, unchanged when {@code changed} is false. */
    long nextBaseMs(long currentBaseMs, boolean changed, RunStatus status) {
        if (status == RunStatus.STOPPED_AT_CHECKPOINT) {
            return checkpointMs;
        }
        if (changed) {
            return initialMs;
        }
        return Math.min(maxMs, (long) Math.ceil(currentBaseMs * multiplier));
    }

    /** The delay to wait: the base interval plus up to {@code jitter} of it. */
    long withJitter(long baseMs) {
        long spread = (long) (baseMs * jitter);
        return baseMs + (spread > 0 ? ThreadLocalRandom.current().nextLong(spread + 1) : 0);
    }
}
