package io.aihub.worker.command;

import java.util.OptionalLong;

/** Where a run takes its files from: exactly one source, as the API requires. */
public sealed interface Input {

    /** Every file of an AI Hub batch. */
    record Batch(long batchId) implements Input {
    }

    /** A folder in a connected drive. */
    record Folder(String inputDir) implements Input {
    }

    /** The deployment's configured upstream integration; a mailbox also needs the window, in Unix milliseconds. */
    record Upstream(OptionalLong fromTimestamp, OptionalLong toTimestamp) implements Input {
    }
}
