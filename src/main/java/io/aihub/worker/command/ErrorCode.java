package io.aihub.worker.command;

/**
 * Why a command could not be run. The code travels in the {@code aihub-error-code} dead-letter header and in the
 * {@code error.code} of events, so listeners and replay tools can select by it; the names are part of the contract.
 */
public enum ErrorCode {
    /** The record has no value (a tombstone). */
    TOMBSTONE,
    /** The value is larger than {@code worker.limits.max-command-bytes}. */
    TOO_LARGE,
    /** The value is not valid UTF-8. */
    INVALID_ENCODING,
    /** The value is not well-formed JSON (or repeats a key). */
    INVALID_JSON,
    /** The JSON nests deeper than {@code worker.limits.max-json-depth}. */
    TOO_DEEP,
    /** The JSON is not an object. */
    NOT_AN_OBJECT,
    /** A CloudEvent without data, or with data that is not a JSON object. */
    INVALID_CLOUDEVENT,
    /** A CloudEvent whose {@code specversion} is not 1.0. */
    UNSUPPORTED_CLOUDEVENT_VERSION,
    /** A required field is absent. */
    MISSING_FIELD,
    /** A field has the wrong type, format or range. */
    INVALID_FIELD,
    /** Fields that exclude each other are given together, or none of a required group is. */
    CONFLICTING_FIELDS,
    /** The command names an {@code IB-Context} it may not use, or none is configured. */
    CONTEXT_NOT_ALLOWED,
    /** The command names an app or deployment outside {@code aihub.allowed-apps} / {@code aihub.allowed-deployments}. */
    TARGET_NOT_ALLOWED,
    /** {@code input_dir} or {@code output_dir} is outside {@code aihub.allowed-folder-prefixes}. */
    FOLDER_NOT_ALLOWED,
    /** AI Hub refused the submission with a permanent error (400, 401, 403, 404, 409, 422, ...). */
    AIHUB_REJECTED,
    /** Transient failures went on past the retry limits. */
    RETRIES_EXHAUSTED,
    /** AI Hub answered in a way the worker cannot use. */
    AIHUB_PROTOCOL_ERROR,
    /**
     * A submission's outcome stayed unknown and a run may exist: the search for its run (rule 2c) did not succeed
     * within its budget, or List runs cannot settle it (it lists runs without tags). The command is not posted
     * again; look in AI Hub for a run tagged with its command ID before replaying.
     */
    OUTCOME_UNKNOWN,
    /** The client could not build the request (nothing was sent), for example a header value it refuses. */
    REQUEST_INVALID,
    /** A different command (another value hash) reuses the ID of a command the ledger knows; the first one stands. */
    COMMAND_ID_REUSED,
    /**
     * A command recorded as {@code submitting} whose record will not be delivered again (its offset was committed):
     * no run was found by its tag, so it ends here.
     */
    ORPHANED_SUBMISSION;
}
