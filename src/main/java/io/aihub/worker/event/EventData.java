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
        Map<String, String> metadata) {

    /** What went wrong, for {@code rejected}, {@code submission_failed} and {@code tracking_failed}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Error(String code, Integer httpStatus, String message) {
    }
}
