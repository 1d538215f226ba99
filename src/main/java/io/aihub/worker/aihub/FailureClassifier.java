package io.aihub.worker.aihub;

import java.net.ConnectException;
import java.util.Set;

/**
 * The one decision on what a failed AI Hub call means for the run it may have started (design.md, guarantee 2c
 * and 5). Connection refused, 408, 425, 429 and requests never written are answered before a run is created, so
 * they can be retried blindly; timeouts, resets after sending, 5xx (503 included: a gateway may answer it after
 * forwarding) and unreadable 2xx bodies leave the outcome unknown; other 4xx are permanent.
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

    /** Answered before a run is created; a 503 may come from a gateway after forwarding (aihub-api.md): unknown. */
    private static final Set<Integer> NO_RUN = Set.of(408, 425, 429);

    private FailureClassifier() {
    }

    /** Classifies a failure of a submission. */
    public static Kind classify(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof AiHubHttpException http) {
            if (NO_RUN.contains(http.status())) {
                return Kind.TRANSIENT_NO_RUN;
            }
            // 500, 502, 504 (and any other 5xx) may come after the run was created.
            return http.status() >= 500 ? Kind.UNKNOWN_OUTCOME : Kind.PERMANENT;
        }
        if (t instanceof RateLimitRejectedException || t instanceof NotSentException) {
            return Kind.TRANSIENT_NO_RUN; // refused before it was sent
        }
        if (t instanceof IllegalArgumentException) {
            return Kind.PERMANENT; // the client could not build the request (a header value it refuses): never sent
        }
        // Refused connections never reached AI Hub. Anything else — timeouts, resets, unreadable or empty bodies —
        // may have happened after the request was sent.
        return t instanceof ConnectException ? Kind.TRANSIENT_NO_RUN : Kind.UNKNOWN_OUTCOME;
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
