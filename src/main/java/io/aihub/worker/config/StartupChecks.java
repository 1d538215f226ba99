package io.aihub.worker.config;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start on settings that contradict each other, with a message that says which and why, instead of
 * failing later under load.
 */
@ApplicationScoped
public class StartupChecks {

    private static final Logger LOG = Logger.getLogger(StartupChecks.class);
    private static final String CONSUMER = "mp.messaging.incoming.commands.";

    /** Heap of a worker tracking {@code runs} runs: a fixed part plus about 3 KiB per run (docs/benchmarks.md). */
    static long heapNeededMiB(int runs) {
        return 80 + Math.round(runs * 3.0 / 1024);
    }

    private final WorkerConfig worker;
    private final AiHubConfig aihub;

    @Inject
    public StartupChecks(WorkerConfig worker, AiHubConfig aihub) {
        this.worker = worker;
        this.aihub = aihub;
    }

    void check(@Observes StartupEvent event) {
        requireRecordAgeCoversRetries(worker, aihub);
        fencingError(worker.fencing().maxPause(), sessionTimeout().toMillis(), heartbeatInterval().toMillis())
                .ifPresent(message -> {
                    throw new IllegalStateException(message);
                });
        heapWarning(worker.tracking().maxRuns(), Runtime.getRuntime().maxMemory() / (1024 * 1024))
                .ifPresent(LOG::warn);
    }

    /** The commands consumer's {@code session.timeout.ms} (Kafka's default when not set). */
    public static Duration sessionTimeout() {
        return Duration.ofMillis(ConfigProvider.getConfig()
                .getOptionalValue(CONSUMER + "session.timeout.ms", Long.class).orElse(45_000L));
    }

    /** The commands consumer's {@code heartbeat.interval.ms} (Kafka's default when not set). */
    public static Duration heartbeatInterval() {
        return Duration.ofMillis(ConfigProvider.getConfig()
                .getOptionalValue(CONSUMER + "heartbeat.interval.ms", Long.class).orElse(3_000L));
    }

    /**
     * A warning when the heap cannot hold {@code worker.tracking.max-runs} tracked runs: the cap that pauses intake
     * is there to protect memory, and a heap smaller than it needs fails with an OutOfMemoryError first. The check
     * leaves a fifth of the heap free for the garbage of submissions and polls.
     */
    public static Optional<String> heapWarning(int maxRuns, long maxHeapMiB) {
        long needed = heapNeededMiB(maxRuns);
        if (needed <= maxHeapMiB * 0.8) {
            return Optional.empty();
        }
        return Optional.of("worker.tracking.max-runs=" + maxRuns + " needs about " + needed
                + " MiB of heap (about 3 KiB per tracked run), more than 80% of the " + maxHeapMiB
                + " MiB this JVM may use: lower worker.tracking.max-runs or give the JVM more memory"
                + " (JAVA_MAX_MEM_RATIO or the container's memory limit)");
    }

    /**
     * SmallRye's throttled commit strategy closes the consumer when a record stays unacknowledged longer than
     * {@code unprocessed-record-max-age}; a command may legitimately stay that long: parked while its partition's
     * ledger is restored, then retried.
     */
    static void requireRecordAgeCoversRetries(WorkerConfig worker, AiHubConfig aihub) {
        recordAgeError(worker.unprocessedRecordMaxAgeMs(), worker.ledger().restoreTimeout(),
                longestSubmission(worker.retry(), aihub.requestTimeout())).ifPresent(message -> {
                    throw new IllegalStateException(message);
                });
    }

    static Optional<String> recordAgeError(long maxAgeMs, Duration restoreTimeout, Duration longestSubmission) {
        long longest = restoreTimeout.plus(longestSubmission).toMillis();
        if (maxAgeMs > longest) {
            return Optional.empty();
        }
        return Optional.of("worker.unprocessed-record-max-age-ms (" + maxAgeMs + ") must exceed the longest wait of a"
                + " record, " + longest + " ms (worker.ledger.restore-timeout + worker.retry.max-elapsed"
                + " + worker.retry.retry-after-ceiling + aihub.request-timeout + worker.retry.settle-time)");
    }

    /**
     * The group may expire a member whose heartbeats stop for {@code session.timeout.ms}, counted from the last
     * heartbeat it sent; a pause shorter than {@code worker.fencing.max-pause} is not checked, so the two together
     * must stay below the session timeout, or a zombie could act unchecked.
     */
    static Optional<String> fencingError(Duration maxPause, long sessionTimeoutMs, long heartbeatIntervalMs) {
        if (maxPause.toMillis() + heartbeatIntervalMs < sessionTimeoutMs) {
            return Optional.empty();
        }
        return Optional.of("worker.fencing.max-pause (" + maxPause.toMillis() + " ms) plus the consumer's"
                + " heartbeat.interval.ms (" + heartbeatIntervalMs + ") must stay below its session.timeout.ms ("
                + sessionTimeoutMs + "): a longer pause could outlive this replica's group membership unnoticed");
    }

    /** The longest a submission may take before it has an outcome. */
    public static Duration longestSubmission(WorkerConfig.Retry retry, Duration requestTimeout) {
        return retry.maxElapsed().plus(retry.retryAfterCeiling()).plus(requestTimeout).plus(retry.settleTime());
    }
}
