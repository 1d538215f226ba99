package io.aihub.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * The most requests seen in any sliding window of one second (request arrival times, exact), so a benchmark can
 * check that a client's rate limit was never exceeded. Memory is bounded by the busiest second: only arrivals of the
 * last second are kept, in a ring buffer that grows (doubling) up to {@link #MAX_KEPT}, past which the count is a
 * lower bound and {@link #saturated()} says so. Hand-written because it sits on every request's path and must not
 * allocate per request.
 */
final class RateWindow {
    /** Arrivals kept at most: far above what one simulator process can serve in a second. */
    static final int MAX_KEPT = 1 << 20;
    private static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();

    private long[] ring = new long[1024];
    private int head;
    private int size;
    private int max;
    private long maxWindowEndNanos;
    private boolean saturated;

    /** Notes one arrival; arrivals may come slightly out of order from several threads. */
    synchronized void add(Instant arrival) {
        long nanos = arrival.getEpochSecond() * 1_000_000_000L + arrival.getNano();
        while (size > 0 && ring[head] <= nanos - WINDOW_NANOS) {
            head = (head + 1) % ring.length;
            size--;
        }
        if (size == ring.length) {
            if (ring.length >= MAX_KEPT) {
                saturated = true;
                head = (head + 1) % ring.length;
                size--;
            } else {
                grow();
            }
        }
        ring[(head + size) % ring.length] = nanos;
        size++;
        if (size > max) {
            max = size;
            maxWindowEndNanos = nanos;
        }
    }

    /** The most arrivals within any one second since start or {@link #clear()}. */
    synchronized int max() {
        return max;
    }

    /** Arrival time of the request that closed the busiest window (Unix nanoseconds), 0 when none. */
    synchronized long maxWindowEndNanos() {
        return maxWindowEndNanos;
    }

    /** True when a second held more than {@link #MAX_KEPT} arrivals, so {@link #max()} is a lower bound. */
    synchronized boolean saturated() {
        return saturated;
    }

    synchronized void clear() {
        ring = new long[1024];
        head = 0;
        size = 0;
        max = 0;
        maxWindowEndNanos = 0;
        saturated = false;
    }

    private void grow() {
        long[] bigger = new long[ring.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }
}
