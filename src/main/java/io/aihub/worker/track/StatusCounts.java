package io.aihub.worker.track;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.aihub.worker.aihub.RunStatus;

/**
 * Tracked runs by the status last seen, for the runs-in-flight gauges: a scrape reads them one after another, so one
 * pass over the runs (up to {@code worker.tracking.max-runs}) serves them all for a second.
 */
final class StatusCounts {

    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Taken(long atNanos, Map<String, Long> byStatus) {
    }

    private final Supplier<Collection<TrackedRun>> runs;
    private volatile Taken taken;

    StatusCounts(Supplier<Collection<TrackedRun>> runs) {
        this.runs = runs;
    }

    /** Runs whose last status is {@code status} ({@code OTHER} for statuses the worker does not know). */
    long count(String status) {
        Taken current = taken;
        long now = System.nanoTime();
        if (current == null || now - current.atNanos() > TTL_NANOS) {
            Map<String, Long> byStatus = new HashMap<>();
            for (TrackedRun tracked : runs.get()) {
                RunStatus known = RunStatus.of(tracked.status);
                byStatus.merge(known == RunStatus.UNKNOWN ? "OTHER" : known.name(), 1L, Long::sum);
            }
            current = new Taken(now, byStatus);
            taken = current;
        }
        return current.byStatus().getOrDefault(status, 0L);
    }
}
