package io.aihub.worker.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A window of {@value #WINDOW} commands, a rate limit that lets all of them through at once, the default connection
 * limit, and a request timeout of {@value #REQUEST_TIMEOUT_SECONDS} s (the test profile's is 1 s), so that POSTs held
 * for seconds by the simulator neither time out nor queue; bulk refreshes every {@value #BULK_INTERVAL_MS} ms above the
 * default threshold of 50 runs.
 */
public class SlowRequestsProfile implements QuarkusTestProfile {

    /** The in-flight window. */
    public static final int WINDOW = 120;

    /** The request timeout, and so the longest a hand-over waits for a POST on the wire (plus the write grace). */
    public static final int REQUEST_TIMEOUT_SECONDS = 20;

    /** The interval between two bulk refreshes. */
    public static final int BULK_INTERVAL_MS = 1000;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("worker.max-in-flight", Integer.toString(WINDOW),
                "worker.rate-limit.requests-per-second", "1000",
                "worker.rate-limit.burst", "200",
                "aihub.request-timeout", REQUEST_TIMEOUT_SECONDS + "s",
                "worker.tracking.bulk-interval", BULK_INTERVAL_MS + "ms");
    }
}
