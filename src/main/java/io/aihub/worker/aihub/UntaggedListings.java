package io.aihub.worker.aihub;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Notices runs that List runs returns without {@code tags} (a field the API document added late and marks nullable):
 * counts them in {@code aihub_list_runs_untagged_total} and says once, at WARN, what it means for reconciliation.
 */
final class UntaggedListings {

    private static final Logger LOG = Logger.getLogger(UntaggedListings.class);

    private final Counter untagged;
    private final AtomicBoolean warned = new AtomicBoolean();

    UntaggedListings(MeterRegistry registry) {
        this.untagged = Counter.builder("aihub.list.runs.untagged")
                .description("Runs List runs returned without tags (an AI Hub that omits them cannot be reconciled"
                        + " by tag)")
                .register(registry);
    }

    /** Counts the runs of one page that came without {@code tags}. */
    void note(List<Run> page) {
        long count = page.stream().filter(run -> run.tags() == null).count();
        if (count == 0) {
            return;
        }
        untagged.increment(count);
        if (warned.compareAndSet(false, true)) {
            LOG.warnf("AI Hub listed %d run(s) without tags. Runs started without tags may be listed so, but if this"
                    + " AI Hub never lists tags, a command whose submission outcome is unknown cannot be found by its"
                    + " tag: it ends SUBMISSION_FAILED with OUTCOME_UNKNOWN instead of being posted again"
                    + " (metric aihub_list_runs_untagged_total; logged once)", count);
        }
    }
}
