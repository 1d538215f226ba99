package io.aihub.simulator;

/**
 * A request refused with an HTTP status and a {@code {"message": ...}} body. Thrown by validators so that a
 * handler reads as the happy path; carries no stack trace because it is control flow, not a bug.
 */
final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    Rejection(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static Rejection badRequest(String message) {
        return new Rejection(400, message);
    }

    static Rejection notFound(String message) {
        return new Rejection(404, message);
    }

    int status() {
        return status;
    }
}
