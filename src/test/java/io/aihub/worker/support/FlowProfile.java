package io.aihub.worker.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The flow-control tests' settings: 8 commands in flight, a low rate limit (40 calls/s) so that a burst saturates
 * it, ordering by key,
 * bulk refreshes above 8 tracked runs every 300 ms, an outage declared after 8 failures of the last 20 calls and
 * probed every second. Its tests give the simulator 3-s run phases ({@link #PHASE}) so that every status is seen
 * whichever way runs are polled.
 */
public class FlowProfile implements QuarkusTestProfile {

    /** The in-flight window. */
    public static final int MAX_IN_FLIGHT = 8;

    /** The simulator's phase duration for these tests, an ISO-8601 duration for the test resource's init argument. */
    public static final String PHASE = "PT3S";

    /** Records of one key that may wait behind it before its partition pauses. */
    public static final int MAX_WAITING_PER_KEY = 4;

    /** The configured rate limit. */
    public static final int RATE = 40;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("worker.rate-limit.requests-per-second", Integer.toString(RATE)),
                Map.entry("worker.rate-limit.burst", "5"),
                Map.entry("worker.ordering", "key"),
                Map.entry("worker.max-waiting-per-key", Integer.toString(MAX_WAITING_PER_KEY)),
                Map.entry("worker.max-in-flight", Integer.toString(MAX_IN_FLIGHT)),
                Map.entry("worker.tracking.bulk-threshold", "8"),
                Map.entry("worker.tracking.bulk-interval", "300ms"),
                Map.entry("worker.outage.window", "20"),
                Map.entry("worker.outage.min-failures", "8"),
                Map.entry("worker.outage.probe-interval", "1s"));
    }
}
