package io.aihub.worker.config;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start on settings that contradict each other, with a message that says which and why, instead of
 * failing later under load.
 */
@ApplicationScoped
public class StartupChecks {

    private final WorkerConfig worker;
    private final AiHubConfig aihub;

    @Inject
    public StartupChecks(WorkerConfig worker, AiHubConfig aihub) {
        this.worker = worker;
        this.aihub = aihub;
    }

    void check(@Observes StartupEvent event) {
        requireRecordAgeCoversRetries(worker, aihub);
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
    static Duration longestSubmission(WorkerConfig.Retry retry, Duration requestTimeout) {
        return retry.maxElapsed().plus(retry.retryAfterCeiling()).plus(requestTimeout).plus(retry.settleTime());
    }
}
