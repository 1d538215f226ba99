package io.aihub.worker.bench;

import java.util.OptionalDouble;

/**
 * The tracking-scale figures: {@code runs} runs kept going (never terminal), tracked for {@code heldSeconds}.
 *
 * @param asked runs the phase produced commands for
 * @param runs runs submitted (within the phase's time budget) and tracked
 * @param submitSeconds time to submit them all (first command produced to last {@code submitted} event)
 * @param heldSeconds how long they were tracked after the last submission, before the measurement
 * @param heapAfterGcMiB heap used after {@code jcmd GC.run}
 * @param maxHeapMiB the heap limit ({@code -Xmx})
 * @param pollLagP99Seconds {@code aihub_poll_schedule_lag_seconds} p99, when the worker publishes it
 * @param requestsPerSecond AI Hub requests per second over the held period
 * @param maxRequestsIn1s the busiest sliding second over the phase
 * @param workerCpuPerSecond the worker's CPU seconds per second over the held period
 * @param peakRssMiB the worker's peak resident set size
 * @param outOfMemory whether the worker's log shows an {@code OutOfMemoryError}
 */
record Tracking(int asked, int runs, double submitSeconds, double heldSeconds, double heapAfterGcMiB, int maxHeapMiB,
        OptionalDouble pollLagP99Seconds, double requestsPerSecond, int maxRequestsIn1s, double workerCpuPerSecond,
        double peakRssMiB, boolean outOfMemory) {
}
