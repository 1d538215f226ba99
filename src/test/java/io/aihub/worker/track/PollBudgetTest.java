package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.aihub.worker.aihub.RunStatus;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.support.WorkerSettings;

/**
 * The AI Hub calls a 10-minute run costs with the default settings, from the {@link PollSchedule} the tracker builds
 * from them: one POST, then a GET after each base interval (which grows while the status stays RUNNING), until the
 * first GET after the run ended. Jitter only lengthens intervals and bulk refreshes only replace GETs, so neither
 * can raise the figure; {@code CallsPerRunTest} measures it through the running worker.
 */
class PollBudgetTest {

    /** When the GETs of a run that reports RUNNING until it ends, {@code length} after submission, are sent. */
    static List<Duration> pollTimes(WorkerConfig.Tracking tracking, Duration length) {
        PollSchedule schedule = new PollSchedule(tracking);
        List<Duration> polls = new ArrayList<>();
        long sinceSubmission = 0;
        for (long base = schedule.initialMs(); sinceSubmission < length.toMillis(); base = schedule.nextBaseMs(base,
                false, RunStatus.RUNNING)) {
            sinceSubmission += base;
            polls.add(Duration.ofMillis(sinceSubmission));
        }
        return polls;
    }

    @Test
    void a_ten_minute_run_costs_fifteen_calls_with_the_defaults() {
        List<Duration> polls = pollTimes(WorkerSettings.defaults().tracking(), Duration.ofMinutes(10));

        assertThat(1 + polls.size()).isEqualTo(15);
    }

    @Test
    void the_default_schedule_doubles_from_two_seconds_and_then_polls_every_minute() {
        List<Duration> polls = pollTimes(WorkerSettings.defaults().tracking(), Duration.ofMinutes(10));

        List<Duration> expected = new ArrayList<>(List.of(Duration.ofSeconds(2), Duration.ofSeconds(6),
                Duration.ofSeconds(14), Duration.ofSeconds(30), Duration.ofSeconds(62)));
        LongStream.rangeClosed(1, 9).forEach(minute -> expected.add(Duration.ofSeconds(62 + 60 * minute)));
        assertThat(polls).containsExactlyElementsOf(expected);
    }

    @Test
    void jitter_lengthens_an_interval_by_at_most_its_configured_share() {
        PollSchedule schedule = new PollSchedule(WorkerSettings.defaults().tracking());

        LongSummaryStatistics delays = LongStream.range(0, 1_000).map(i -> schedule.withJitter(60_000))
                .summaryStatistics();

        // 10 % of 60 s: a thousand uniform draws reach both ends of 60-66 s.
        assertThat(delays.getMin()).isBetween(60_000L, 60_600L);
        assertThat(delays.getMax()).isBetween(65_400L, 66_000L);
    }

    @Test
    void scaling_every_duration_down_scales_every_poll_time_and_keeps_the_figure() {
        WorkerConfig.Tracking tracking = WorkerSettings.defaults().tracking();
        WorkerConfig.Tracking scaled = new ScaledTracking(tracking, 100);

        assertThat(pollTimes(scaled, Duration.ofMinutes(10).dividedBy(100))).containsExactlyElementsOf(
                pollTimes(tracking, Duration.ofMinutes(10)).stream().map(time -> time.dividedBy(100)).toList());
    }

    /** The default tracking settings with every duration divided by {@code factor}. */
    private record ScaledTracking(WorkerConfig.Tracking base, long factor) implements WorkerConfig.Tracking {
        public Duration pollInitial() {
            return base.pollInitial().dividedBy(factor);
        }

        public double pollMultiplier() {
            return base.pollMultiplier();
        }

        public Duration pollMax() {
            return base.pollMax().dividedBy(factor);
        }

        public Duration checkpointPollInterval() {
            return base.checkpointPollInterval().dividedBy(factor);
        }

        public double jitter() {
            return base.jitter();
        }

        public Duration maxTrackingTime() {
            return base.maxTrackingTime();
        }

        public int bulkThreshold() {
            return base.bulkThreshold();
        }

        public Duration bulkInterval() {
            return base.bulkInterval().dividedBy(factor);
        }

        public int bulkPageSize() {
            return base.bulkPageSize();
        }

        public int bulkMaxPages() {
            return base.bulkMaxPages();
        }

        public int maxRuns() {
            return base.maxRuns();
        }
    }
}
