package io.aihub.worker.aihub;

/**
 * What Delete run deletes besides the run. Every flag is sent, because the service deletes everything by default,
 * and deleting the input also deletes the batch it came from.
 *
 * @param input the run's input files (and with them its batch)
 * @param output the run's output files
 * @param logs the run's logs
 * @param dbData the run's database data (the run itself)
 */
public record DeleteOptions(boolean input, boolean output, boolean logs, boolean dbData) {

    /** The run's record, output and logs; its input and batch are kept. */
    public static final DeleteOptions RUN_ONLY = new DeleteOptions(false, true, true, true);
}
