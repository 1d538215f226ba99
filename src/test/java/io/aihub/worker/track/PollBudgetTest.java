package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.aihub.worker.aihub.RunStatus;
import io.aihub.worker.config.WorkerConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The number of AI Hub calls a 10-minute run costs with the default settings, computed from the real poll
 * schedule (no jitter, which would only lengthen intervals): one POST, then the GETs of its own timer until the
 * first poll after it ended. Bulk refreshes (above the threshold) only lower the figure.
 */
class PollBudgetTest {

    private static WorkerConfig defaults() {
        // Quarkus' converter reads "2s" and "5m" as the application does.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(WorkerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).build();
        return config.getConfigMapping(WorkerConfig.class);
    }

    /** POST + GETs of one run that reports RUNNING from submission until it completes after {@code length}. */
    static int callsPerRun(WorkerConfig.Tracking tracking, Duration length) {
        PollSchedule schedule = new PollSchedule(tracking.pollInitial(), tracking.pollMultiplier(), tracking.pollMax(),
                tracking.checkpointPollInterval(), 0);
        long now = 0;
        long base = schedule.initialMs();
        int calls = 1; // the POST, answered RUNNING
        while (true) {
            now += base;
            calls++;
            if (now >= length.toMillis()) {
                return calls;
            }
            base = schedule.nextBaseMs(base, false, RunStatus.RUNNING);
        }
    }

    @Test
    void a_ten_minute_run_costs_at_most_fifteen_calls_with_the_defaults() {
        WorkerConfig config = defaults();

        int calls = callsPerRun(config.tracking(), Duration.ofMinutes(10));

        assertThat(calls).isLessThanOrEqualTo(15);
        assertThat(calls).isEqualTo(15);
    }

    @Test
    void the_figure_is_the_same_with_every_duration_scaled_down_by_the_same_factor() {
        WorkerConfig config = defaults();
        WorkerConfig.Tracking tracking = config.tracking();
        WorkerConfig.Tracking scaled = new ScaledTracking(tracking, 100);

        assertThat(callsPerRun(scaled, Duration.ofMinutes(10).dividedBy(100)))
                .isEqualTo(callsPerRun(tracking, Duration.ofMinutes(10)));
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
