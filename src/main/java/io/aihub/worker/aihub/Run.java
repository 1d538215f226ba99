package io.aihub.worker.aihub;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The AI Hub run object, as returned by Run app, Run deployment, Get run status and List runs. Timestamps are Unix
 * nanoseconds; {@code finishTimestamp} is null (or 0 in some responses) while the run is going. The status is kept
 * as the service sent it so that a status this client does not know yet is reported, not lost.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Run(String id, String status, Long startTimestamp, Long finishTimestamp, String msg, Long batchId,
        String inputDir, String appId, String deploymentId, List<String> tags) {

    /** The status as a known value, or {@link RunStatus#UNKNOWN}. */
    public RunStatus knownStatus() {
        return RunStatus.of(status);
    }

    /** The finish time, absent while the run is going (null or 0). */
    public Optional<Long> finishedAt() {
        return finishTimestamp == null || finishTimestamp == 0 ? Optional.empty() : Optional.of(finishTimestamp);
    }

    /** True when the run carries {@code tag}. */
    public boolean hasTag(String tag) {
        return tags != null && tags.contains(tag);
    }
}
