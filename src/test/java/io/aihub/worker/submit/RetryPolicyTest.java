package io.aihub.worker.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.support.WorkerSettings;

/**
 * The retry schedule with the default settings (500 ms, doubling, capped at 30 s; 6 attempts within 5 minutes;
 * Retry-After honoured up to 60 s), its jitter drawn from a fixed value so that every delay is exact.
 */
class RetryPolicyTest {

    private static final WorkerConfig.Retry DEFAULTS = WorkerSettings.defaults().retry();
    private static final double JUST_UNDER_ONE = Math.nextDown(1.0);
    private static final Optional<Duration> NO_RETRY_AFTER = Optional.empty();

    private static RetryPolicy drawing(double jitter) {
        return new RetryPolicy(DEFAULTS, () -> jitter);
    }

    /** The delays before attempts 2 to 9, in milliseconds. */
    private static List<Long> delaysMs(RetryPolicy policy) {
        List<Long> delays = new ArrayList<>();
        for (int attempts = 1; attempts <= 8; attempts++) {
            delays.add(policy.delay(attempts, NO_RETRY_AFTER).toMillis());
        }
        return delays;
    }

    @Test
    void the_delay_doubles_from_the_initial_delay_per_attempt_and_stops_growing_at_the_cap() {
        RetryPolicy policy = drawing(0.5);

        assertThat(delaysMs(policy)).containsExactly(250L, 500L, 1_000L, 2_000L, 4_000L, 8_000L, 15_000L, 15_000L);
        assertThat(policy.delay(100, NO_RETRY_AFTER)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void full_jitter_with_a_draw_of_zero_retries_at_once() {
        assertThat(delaysMs(drawing(0))).containsOnly(0L);
    }

    @Test
    void full_jitter_with_a_draw_just_under_one_waits_just_under_the_cap() {
        assertThat(delaysMs(drawing(JUST_UNDER_ONE)))
                .containsExactly(499L, 999L, 1_999L, 3_999L, 7_999L, 15_999L, 29_999L, 29_999L);
    }

    @Test
    void random_jitter_spreads_the_delays_over_the_whole_range_below_the_cap() {
        RetryPolicy policy = RetryPolicy.withRandomJitter(DEFAULTS);

        LongSummaryStatistics delays = IntStream.range(0, 10_000)
                .mapToLong(i -> policy.delay(3, NO_RETRY_AFTER).toMillis()).summaryStatistics();

        // The cap of the third attempt is 2 s; ten thousand uniform draws reach both ends of it.
        assertThat(delays.getMin()).isBetween(0L, 100L);
        assertThat(delays.getMax()).isBetween(1_900L, 1_999L);
    }

    @Test
    void a_429_with_retry_after_delays_the_next_attempt_at_least_that_long() {
        Optional<Duration> retryAfter = Optional.of(Duration.ofSeconds(7));

        assertThat(drawing(0).delay(1, retryAfter)).isEqualTo(Duration.ofSeconds(7));
        // The floor is not added to the jittered delay: 499 ms of jitter still gives 7 s.
        assertThat(drawing(JUST_UNDER_ONE).delay(1, retryAfter)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void a_retry_after_shorter_than_the_backoff_does_not_shorten_it() {
        assertThat(drawing(JUST_UNDER_ONE).delay(7, Optional.of(Duration.ofSeconds(1))))
                .isEqualTo(Duration.ofMillis(29_999));
    }

    @Test
    void a_retry_after_above_the_ceiling_is_cut_to_the_ceiling() {
        Optional<Duration> anHour = Optional.of(Duration.ofHours(1));
        RetryPolicy tenSecondCeiling = new RetryPolicy(
                WorkerSettings.with(Map.of("worker.retry.retry-after-ceiling", "10s")).retry(), () -> 0);

        assertThat(drawing(0).delay(1, anHour)).isEqualTo(Duration.ofSeconds(60));
        assertThat(tenSecondCeiling.delay(1, anHour)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void no_attempt_follows_the_maximum_count_of_attempts_the_first_included() {
        RetryPolicy policy = drawing(0);
        RetryPolicy once = new RetryPolicy(WorkerSettings.with(Map.of("worker.retry.max-attempts", "1")).retry(),
                () -> 0);

        assertThat(policy.maxAttempts()).isEqualTo(6);
        assertThat(policy.mayRetry(5, Duration.ZERO)).isTrue();
        assertThat(policy.mayRetry(6, Duration.ZERO)).isFalse();
        assertThat(once.mayRetry(1, Duration.ZERO)).isFalse();
    }

    @Test
    void no_attempt_starts_once_the_maximum_elapsed_time_since_the_first_has_passed() {
        RetryPolicy policy = drawing(0);

        assertThat(policy.mayRetry(1, Duration.ofMinutes(5).minusMillis(1))).isTrue();
        assertThat(policy.mayRetry(1, Duration.ofMinutes(5))).isFalse();
    }
}
