package io.aihub.worker.metrics;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.command.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The worker's own meters (Micrometer, scraped at {@code /q/metrics}). Tags hold only our codes, HTTP statuses
 * and fixed words, never command content, so nothing secret or unbounded can reach a label.
 */
@ApplicationScoped
public class WorkerMetrics {

    private final MeterRegistry registry;
    private final Timer retryAfterWait;
    private final Timer scheduleLag;
    private final DistributionSummary callsPerRun;
    private final TaggedCounter submissionAttempts;
    private final TaggedCounter retries;
    private final TaggedCounter deadLetters;
    private final TaggedCounter commands;

    @Inject
    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retryAfterWait = Timer.builder("aihub.submission.retry.after.wait")
                .description("Time submissions waited because AI Hub sent Retry-After")
                .register(registry);
        // Histograms, not client-side quantiles: quantiles of several replicas cannot be aggregated, buckets can.
        this.scheduleLag = Timer.builder("aihub.poll.schedule.lag")
                .description("How late scheduled status polls and bulk refreshes started after their due time")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        this.callsPerRun = DistributionSummary.builder("aihub.calls.per.run")
                .description("AI Hub calls spent on one run, recorded when it ends: its POSTs, its status GETs and "
                        + "its share of the bulk List runs pages that refreshed it")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(1000.0)
                .register(registry);
        this.submissionAttempts = new TaggedCounter(registry, "aihub.submission.attempts",
                "POSTs sent to AI Hub, by the HTTP status of the answer (none: no answer)", "http_status");
        this.retries = new TaggedCounter(registry, "aihub.submission.retries",
                "Submission retries, by the kind of failure that caused them", "reason");
        this.deadLetters = new TaggedCounter(registry, "aihub.dead.letters",
                "Commands written to the dead-letter topic, by error code", "code");
        this.commands = new TaggedCounter(registry, "aihub.commands",
                "Commands taken from the commands topic, by outcome", "outcome");
    }

    /**
     * A counter with one tag, each of its (few, fixed) values registered once: building and registering a meter on
     * every increment costs a registry lookup per command.
     */
    private static final class TaggedCounter {
        private final Meter.MeterProvider<Counter> provider;
        private final String tag;
        private final ConcurrentHashMap<String, Counter> byValue = new ConcurrentHashMap<>();

        TaggedCounter(MeterRegistry registry, String name, String description, String tag) {
            this.provider = Counter.builder(name).description(description).withRegistry(registry);
            this.tag = tag;
        }

        void increment(String value) {
            byValue.computeIfAbsent(value, v -> provider.withTag(tag, v)).increment();
        }
    }

    /** A scheduled poll or bulk refresh started {@code lagMs} after it was due. */
    public void pollScheduleLag(long lagMs) {
        scheduleLag.record(Math.max(0, lagMs), TimeUnit.MILLISECONDS);
    }

    /** A run ended after {@code calls} AI Hub calls were spent on it. */
    public void callsPerRun(double calls) {
        callsPerRun.record(calls);
    }

    /** One POST to AI Hub ended with {@code httpStatus} (0 when there was no HTTP answer). */
    public void submissionAttempt(int httpStatus) {
        submissionAttempts.increment(httpStatus == 0 ? "none" : Integer.toString(httpStatus));
    }

    /** A submission is retried; {@code reason} is the failure kind. */
    public void retry(String reason) {
        retries.increment(reason);
    }

    /** A submission waited for a {@code Retry-After}. */
    public void retryAfterWaited(Duration wait) {
        retryAfterWait.record(wait);
    }

    /** A command went to the dead-letter topic. */
    public void deadLetter(ErrorCode code) {
        deadLetters.increment(code.name());
    }

    /** Follows the number of runs being tracked, by the AI Hub status last seen. */
    public void trackRunsInFlight(Function<String, Long> countByStatus) {
        for (String status : new String[] { "RUNNING", "STOPPED_AT_CHECKPOINT", "PAUSED", "OTHER" }) {
            Gauge.builder("aihub.runs.in.flight", () -> countByStatus.apply(status))
                    .description("Runs this replica follows, by the AI Hub status last seen")
                    .tag("status", status)
                    .register(registry);
        }
    }

    /** A run reached its terminal state {@code type} after {@code duration} of tracking. */
    public void runEnded(String type, Duration duration) {
        Timer.builder("aihub.run.tracked")
                .description("Time from submission to the terminal state, by terminal event type")
                .tag("type", type)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofDays(30))
                .register(registry).record(duration);
    }

    /** One status poll took {@code duration}; {@code outcome} is {@code ok} or {@code error}. */
    public void poll(String outcome, Duration duration) {
        Timer.builder("aihub.poll")
                .description("Status polls of AI Hub runs, by outcome")
                .tag("outcome", outcome)
                .register(registry).record(duration);
    }

    /** A command reached its first outcome: {@code submitted}, {@code rejected} or {@code submission_failed}. */
    public void commandOutcome(String outcome) {
        commands.increment(outcome);
    }
}
