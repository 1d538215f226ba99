package io.aihub.worker.aihub;

import java.time.Duration;
import java.util.Optional;

/**
 * AI Hub answered with a non-2xx status. {@link #getMessage()} holds only the status; the service's own
 * {@code message} text is kept apart in {@link #serviceMessage()} because it may echo request content, and must be
 * scrubbed of secrets before it is written anywhere.
 */
public final class AiHubHttpException extends RuntimeException {

    private final int status;
    private final Optional<Duration> retryAfter;
    private final String serviceMessage;

    public AiHubHttpException(int status, Optional<Duration> retryAfter, String serviceMessage) {
        super("AI Hub answered HTTP " + status, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
        this.serviceMessage = serviceMessage == null ? "" : serviceMessage;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The delay a {@code Retry-After} header asked for, when one was sent and readable. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** The service's {@code message}, unscrubbed. */
    public String serviceMessage() {
        return serviceMessage;
    }
}
