package io.aihub.worker.command;

/** A command's request to publish its run's results, with the API's {@code include_*} flags. */
public record ResultsRequest(boolean publish, boolean includeReviewResults, boolean includeConfidenceScores,
        boolean includeValidationResults, boolean includeSourceInfo) {

    /** No results publishing. */
    public static final ResultsRequest NONE = new ResultsRequest(false, false, false, false, false);
}
