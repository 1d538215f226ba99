package io.aihub.worker.command;

import java.util.Set;

/**
 * The diagnostic headers of a dead letter (design.md, "Dead letters"): SmallRye's {@code dead-letter-*} names and
 * ours ({@code aihub-*}). Written by the dead-letter publisher, renamed by a replay, read by tests and operators.
 */
public final class DeadLetterHeaders {

    /** Our error code and the field or rule, never an input value. */
    public static final String REASON = "dead-letter-reason";
    /** Our error code. */
    public static final String CAUSE = "dead-letter-cause";
    /** The commands topic the record came from. */
    public static final String TOPIC = "dead-letter-topic";
    /** Its partition. */
    public static final String PARTITION = "dead-letter-partition";
    /** Its offset. */
    public static final String OFFSET = "dead-letter-offset";
    /** Our error code (also for listeners that filter on {@code aihub-*}). */
    public static final String ERROR_CODE = "aihub-error-code";
    /** The HTTP status AI Hub answered, when it answered. */
    public static final String HTTP_STATUS = "aihub-http-status";
    /** POSTs made for the command. */
    public static final String ATTEMPTS = "aihub-attempts";
    /** When the first attempt failed, ISO-8601 UTC. */
    public static final String FIRST_FAILURE_AT = "aihub-first-failure-at";

    private static final String SMALLRYE_PREFIX = "dead-letter-";
    private static final Set<String> OURS = Set.of(ERROR_CODE, HTTP_STATUS, ATTEMPTS, FIRST_FAILURE_AT);

    private DeadLetterHeaders() {
    }

    /** True for a header a dead letter's publication adds (and a replay renames). */
    public static boolean isDiagnostic(String name) {
        return name.startsWith(SMALLRYE_PREFIX) || OURS.contains(name);
    }
}
