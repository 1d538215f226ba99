package io.aihub.simulator;

import java.time.Instant;
import java.util.Optional;

/**
 * One API request as the simulator saw it. Headers are not kept, so the token can never leak from here; the
 * exceptions are the W3C {@code traceparent} value (trace and span IDs, no secret), so tests can follow a trace, and
 * {@code IB-Context} (an organisation or user ID), so tests can tell a missing header from an empty one.
 *
 * @param time when the request arrived
 * @param method HTTP method
 * @param path request path, as sent
 * @param query raw query string, empty when none
 * @param route the route template that handled it, e.g. {@code GET /api/v2/apps/runs/{run_id}}
 * @param status the response status; {@link #NO_RESPONSE} when the connection was closed instead
 * @param commandTag the body's {@code aihub-run-worker:<command_id>} tag, when it had one
 * @param traceparent the request's W3C {@code traceparent} header, when it had one
 * @param ibContext the request's {@code IB-Context} header as sent (possibly empty), when it had one
 */
public record RecordedRequest(
        Instant time,
        String method,
        String path,
        String query,
        String route,
        int status,
        Optional<String> commandTag,
        Optional<String> traceparent,
        Optional<String> ibContext) {

    /** The status recorded when the simulator closed the connection without answering. */
    public static final int NO_RESPONSE = 0;

    /** The tag prefix the worker puts before its command ID. */
    public static final String COMMAND_TAG_PREFIX = "aihub-run-worker:";
}
