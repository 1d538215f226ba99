package io.aihub.worker.submit;

import java.time.Instant;
import java.util.Optional;

import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.ErrorCode;

/** How a submission ended: a run exists, or the command cannot be run. */
public sealed interface SubmissionOutcome {

    /** AI Hub accepted the command; {@code attempts} POSTs were sent (1 when the first one succeeded). */
    record Submitted(Run run, int attempts) implements SubmissionOutcome {
    }

    /** This replica lost the command's partition before the next POST; the new owner takes over (rule 2d). */
    record Abandoned(int attempts) implements SubmissionOutcome {
    }

    /**
     * The command failed for good. {@code message} is already scrubbed of the command's secrets; {@code httpStatus}
     * is the last HTTP status AI Hub sent, if any.
     */
    record Failed(ErrorCode code, Optional<Integer> httpStatus, String message, int attempts,
            Instant firstFailureAt) implements SubmissionOutcome {

        /** The dead letter's reason, in our words only ({@code message} may quote AI Hub). */
        public String deadLetterReason() {
            return code == ErrorCode.OUTCOME_UNKNOWN ? "a run may exist; look for it in AI Hub before a replay"
                    : "submission failed";
        }
    }
}
