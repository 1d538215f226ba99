package io.aihub.simulator;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the most recent requests (bounded; the oldest are dropped) and exact per-route counters that are never
 * dropped, so long benchmarks stay within memory and still report true totals.
 */
final class RequestRecorder {
    private final int capacity;
    private final ArrayDeque<RecordedRequest> recent = new ArrayDeque<>();
    private final Map<String, LongAdder> byRoute = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final RateWindow rate = new RateWindow();

    RequestRecorder(int capacity) {
        this.capacity = capacity;
    }

    void record(RecordedRequest request) {
        total.increment();
        rate.add(request.time());
        byRoute.computeIfAbsent(request.route(), r -> new LongAdder()).increment();
        if (capacity == 0) {
            return;
        }
        synchronized (recent) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(request);
        }
    }

    /** The kept requests, oldest first. */
    List<RecordedRequest> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    long total() {
        return total.sum();
    }

    /** Exact counts by route template ({@code METHOD /path/{param}}), sorted by route. */
    Map<String, Long> countsByRoute() {
        Map<String, Long> counts = new TreeMap<>();
        byRoute.forEach((route, count) -> counts.put(route, count.sum()));
        return counts;
    }

    /** The busiest second of API requests. */
    RateWindow rate() {
        return rate;
    }

    void clear() {
        rate.clear();
        synchronized (recent) {
            recent.clear();
        }
        byRoute.clear();
        total.reset();
    }
}
