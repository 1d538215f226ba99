package io.aihub.worker.aihub;

/** A call was refused before it was sent because too many calls already wait for the rate limiter. */
public final class RateLimitRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RateLimitRejectedException(int waiting) {
        super("more than " + waiting + " AI Hub calls wait for the rate limiter", null, false, false);
    }
}
