package io.aihub.worker.command;

/**
 * Raised inside parsing and validation to stop at the first broken rule. Carries our own code and a reason built
 * from field names only; it has no stack trace because it is expected, frequent and caught within this package.
 */
final class InvalidCommandException extends RuntimeException {

    private final ErrorCode code;

    InvalidCommandException(ErrorCode code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
