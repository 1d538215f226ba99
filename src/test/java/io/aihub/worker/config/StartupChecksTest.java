package io.aihub.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class StartupChecksTest {

    private static final Duration LONGEST_SUBMISSION = Duration.ofMinutes(5).plusSeconds(60 + 30 + 10);

    @Test
    void the_default_age_of_fifteen_minutes_covers_a_two_minute_restore_and_the_longest_submission() {
        assertThat(StartupChecks.recordAgeError(900_000, Duration.ofMinutes(2), LONGEST_SUBMISSION)).isEmpty();
    }

    @Test
    void a_record_parked_during_the_restore_and_then_retried_counts_both_waits() {
        // 6m40s of submission fits 7 minutes alone, but not with the 2 minutes a record may wait for its restore.
        assertThat(StartupChecks.recordAgeError(420_000, Duration.ZERO, LONGEST_SUBMISSION)).isEmpty();
        assertThat(StartupChecks.recordAgeError(420_000, Duration.ofMinutes(2), LONGEST_SUBMISSION))
                .hasValue("worker.unprocessed-record-max-age-ms (420000) must exceed the longest wait of a record,"
                        + " 520000 ms (worker.ledger.restore-timeout + worker.retry.max-elapsed"
                        + " + worker.retry.retry-after-ceiling + aihub.request-timeout + worker.retry.settle-time)");
    }

    @Test
    void the_default_max_pause_with_kafka_default_heartbeats_stays_well_inside_the_default_session_timeout() {
        assertThat(StartupChecks.fencingError(Duration.ofSeconds(5), 45_000, 3_000)).isEmpty();
    }

    @Test
    void a_max_pause_that_with_one_heartbeat_interval_reaches_the_session_timeout_is_refused() {
        assertThat(StartupChecks.fencingError(Duration.ofSeconds(5), 6_000, 500)).isEmpty();
        assertThat(StartupChecks.fencingError(Duration.ofSeconds(5), 6_000, 1_000))
                .hasValue("worker.fencing.max-pause (5000 ms) plus the consumer's heartbeat.interval.ms (1000) must"
                        + " stay below its session.timeout.ms (6000): a longer pause could outlive this replica's"
                        + " group membership unnoticed");
    }
}
