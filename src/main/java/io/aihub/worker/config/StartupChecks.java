package io.aihub.worker.config;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start on settings that contradict each other, with a message that says which and why, instead of
 * failing later under load.
 */
@ApplicationScoped
public class StartupChecks {

    private static final Logger LOG = Logger.getLogger(StartupChecks.class);

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
        heapWarning(worker.tracking().maxRuns(), Runtime.getRuntime().maxMemory() / (1024 * 1024))
                .ifPresent(LOG::warn);
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
     * {@code unprocessed-record-max-age}; a command may legitimately stay that long while it is retried.
     */
    static void requireRecordAgeCoversRetries(WorkerConfig worker, AiHubConfig aihub) {
        Duration longest = longestSubmission(worker.retry(), aihub.requestTimeout());
        if (worker.unprocessedRecordMaxAgeMs() <= longest.toMillis()) {
            throw new IllegalStateException("worker.unprocessed-record-max-age-ms (" + worker.unprocessedRecordMaxAgeMs()
                    + ") must exceed the longest submission, " + longest.toMillis() + " ms (worker.retry.max-elapsed"
                    + " + worker.retry.retry-after-ceiling + aihub.request-timeout + worker.retry.settle-time)");
        }
    }

    /** The longest a submission may take before it has an outcome. */
    public static Duration longestSubmission(WorkerConfig.Retry retry, Duration requestTimeout) {
        return retry.maxElapsed().plus(retry.retryAfterCeiling()).plus(requestTimeout).plus(retry.settleTime());
    }
}
