package io.aihub.worker.replay;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What a replay did: counts, and one line per selected dead letter (the first {@link #MAX_LISTED}; the counts cover
 * all of them).
 *
 * @param dryRun nothing was published
 * @param scanned dead letters read
 * @param selected dead letters that matched the selection
 * @param replayed records published to the commands topic (0 on a dry run)
 * @param alreadyRun selected commands the ledger shows with a run: safe to replay, the worker will not submit them again
 * @param failed records the broker did not take
 * @param records the selected dead letters, in the order read
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReplaySummary(boolean dryRun, long scanned, long selected, long replayed, long alreadyRun, long failed,
        List<ReplayedRecord> records) {

    /** Most records listed in a summary. */
    public static final int MAX_LISTED = 1000;

    /**
     * One selected dead letter.
     *
     * @param deadLetter {@code <topic>-<partition>@<offset>}
     * @param commandId the command ID, when the value could be read
     * @param code the {@code aihub-error-code} header
     * @param action {@code REPLAYED}, {@code WOULD_REPLAY} or {@code FAILED}
     * @param ledger what the ledger knows of the command, and so what the worker will do with the replay
     * @param runId the run the ledger records for the command, if any
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReplayedRecord(String deadLetter, String commandId, String code, String action, String ledger,
            String runId) {

        /** The record as one output line. */
        public String line() {
            return action.toLowerCase(Locale.ROOT).replace('_', ' ') + " " + deadLetter + " command "
                    + (commandId == null ? "(unreadable)" : commandId) + " [" + (code == null ? "no code" : code)
                    + "]: " + ledger;
        }
    }

    /** The counts as one line. */
    public String line() {
        return (dryRun ? "dry run: " : "") + "scanned=" + scanned + " selected=" + selected + " replayed=" + replayed
                + " already-run=" + alreadyRun + " failed=" + failed;
    }
}
