package io.aihub.worker.aihub;

/** The {@code include_*} flags of Get run results. */
public record ResultsOptions(boolean includeReviewResults, boolean includeConfidenceScores,
        boolean includeValidationResults, boolean includeSourceInfo) {

    /** All flags off. */
    public static final ResultsOptions DEFAULT = new ResultsOptions(false, false, false, false);
}
