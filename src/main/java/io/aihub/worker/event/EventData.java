package io.aihub.worker.event;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The {@code data} of a status event (design.md, "Status event"). Absent values are left out of the JSON. Timestamps
 * are Unix nanoseconds, as AI Hub gives them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EventData(String commandId, String runId, String status, String previousStatus, String msg,
        String appName, String appId, String owner, String deploymentId, Long batchId, String inputDir,
        Boolean manualUpstreamIntegration, Long startTimestamp, Long finishTimestamp, int attempts, Error error,
        Map<String, String> metadata, Results results) {

    /** The data of a {@code rejected} event: a command ID and why, nothing about a run or a target. */
    public static EventData rejected(String commandId, Error error, Map<String, String> metadata) {
        return new EventData(commandId, null, EventType.REJECTED.name(), null, null, null, null, null, null, null, null,
                null, null, null, 0, error, metadata, null);
    }

    /** A copy with {@code results}. */
    public EventData withResults(Results summary) {
        return new EventData(commandId, runId, status, previousStatus, msg, appName, appId, owner, deploymentId,
                batchId, inputDir, manualUpstreamIntegration, startTimestamp, finishTimestamp, attempts, error,
                metadata, summary);
    }

    /**
     * What was published to the results topic for a {@code completed} run whose command asked for it.
     *
     * @param published true when every results page was fetched and every record acknowledged
     * @param records result records written (a file split into parts counts each part)
     * @param files input files in the results
     * @param errorFields fields whose value is {@code ERROR}
     * @param hasErrors true when {@code errorFields} is above 0: the run completed, but some fields failed
     * @param error why the results could not be published, when {@code published} is false
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Results(boolean published, int records, int files, int errorFields, boolean hasErrors,
            Error error) {
    }

    /** What went wrong, for {@code rejected}, {@code submission_failed} and {@code tracking_failed}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Error(String code, Integer httpStatus, String message) {
    }
}
