package io.aihub.worker.aihub;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JacksonException;

/**
 * The one decision on what a failed AI Hub call means for the run it may have started (design.md, guarantee 2c
 * and 5). Connection refused, 408, 425, 429 and 503 are answered before a run is created, so they can be retried
 * blindly; timeouts, resets after sending, 500/502/504 and unreadable 2xx bodies leave the outcome unknown; other
 * 4xx are permanent.
 */
public final class FailureClassifier {

    /** What a failure means. */
    public enum Kind {
        /** No run was created; a retry may go straight away (after backoff). */
        TRANSIENT_NO_RUN,
        /** A run may have been created; reconcile through List runs before any new POST. */
        UNKNOWN_OUTCOME,
        /** The request is wrong for good; retrying cannot help. */
        PERMANENT
    }

    private static final Set<Integer> NO_RUN = Set.of(408, 425, 429, 503);
    private static final Set<Integer> UNKNOWN = Set.of(500, 502, 504);

    private FailureClassifier() {
    }

    /** Classifies a failure of a submission. */
    public static Kind classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof AiHubHttpException http) {
            if (NO_RUN.contains(http.status())) {
                return Kind.TRANSIENT_NO_RUN;
            }
            return UNKNOWN.contains(http.status()) || http.status() >= 500 ? Kind.UNKNOWN_OUTCOME : Kind.PERMANENT;
        }
        if (t instanceof ConnectException) {
            return Kind.TRANSIENT_NO_RUN;
        }
        if (t instanceof AiHubProtocolException || t instanceof JacksonException || t instanceof TimeoutException
                || t instanceof IOException) {
            return Kind.UNKNOWN_OUTCOME;
        }
        // Anything else in the transport (closed connection, processing errors) may have happened after sending.
        return Kind.UNKNOWN_OUTCOME;
    }

    /** The HTTP status of a failure, or 0 when there was none. */
    public static int httpStatus(Throwable failure) {
        return unwrap(failure) instanceof AiHubHttpException http ? http.status() : 0;
    }

    /**
     * The failure that says what happened: an {@link AiHubHttpException} anywhere in the cause chain, else the
     * deepest cause (wrappers such as {@code ProcessingException} carry the transport error as their cause).
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; depth < 16; depth++) {
            if (t instanceof AiHubHttpException || t.getCause() == null || t.getCause() == t) {
                return t;
            }
            t = t.getCause();
        }
        return t;
    }
}
