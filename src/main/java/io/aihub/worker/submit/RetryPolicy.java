package io.aihub.worker.submit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import io.aihub.worker.config.WorkerConfig;

/**
 * When the next submission attempt may start: exponential backoff with full jitter (a uniform delay between zero
 * and the capped exponential), never earlier than a {@code Retry-After} asked for (up to a ceiling), and whether
 * the count and elapsed-time limits still allow another attempt.
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final long initialMs;
    private final double multiplier;
    private final long maxDelayMs;
    private final long maxElapsedMs;
    private final long retryAfterCeilingMs;
    private final DoubleSupplier random;

    /** The policy of {@code config} with its jitter drawn from a thread-local random source. */
    public static RetryPolicy withRandomJitter(WorkerConfig.Retry config) {
        return new RetryPolicy(config, () -> ThreadLocalRandom.current().nextDouble());
    }

    public RetryPolicy(WorkerConfig.Retry config, DoubleSupplier random) {
        this.maxAttempts = Math.max(1, config.maxAttempts());
        this.initialMs = Math.max(1, config.initialDelay().toMillis());
        this.multiplier = Math.max(1.0, config.multiplier());
        this.maxDelayMs = Math.max(initialMs, config.maxDelay().toMillis());
        this.maxElapsedMs = config.maxElapsed().toMillis();
        this.retryAfterCeilingMs = config.retryAfterCeiling().toMillis();
        this.random = random;
    }

    /** True when another attempt is allowed after {@code attempts} attempts, {@code elapsed} after the first. */
    public boolean mayRetry(int attempts, Duration elapsed) {
        return attempts < maxAttempts && elapsed.toMillis() < maxElapsedMs;
    }

    /** The configured maximum number of attempts. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The delay before attempt {@code attempts + 1}, honouring {@code retryAfter}. */
    public Duration delay(int attempts, Optional<Duration> retryAfter) {
        double exponential = initialMs * Math.pow(multiplier, Math.max(0, attempts - 1));
        long cap = (long) Math.min(maxDelayMs, exponential);
        long jittered = (long) (random.getAsDouble() * cap);
        long floor = retryAfter.map(d -> Math.min(d.toMillis(), retryAfterCeilingMs)).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, floor));
    }
}
