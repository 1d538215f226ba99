package io.aihub.worker.aihub;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The 202 answer of Delete run: the IDs of the asynchronous jobs that delete the input, output and log folders (null
 * for what was kept); their progress is read through the Jobs API.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DeletedRun(String deleteInputDirJobId, String deleteOutputDirJobId, String deleteLogDirJobId) {

    /** The job deleting the input folder, when the input is deleted. */
    public Optional<String> inputJob() {
        return Optional.ofNullable(deleteInputDirJobId);
    }

    /** The job deleting the output folder, when the output is deleted. */
    public Optional<String> outputJob() {
        return Optional.ofNullable(deleteOutputDirJobId);
    }

    /** The job deleting the logs, when the logs are deleted. */
    public Optional<String> logJob() {
        return Optional.ofNullable(deleteLogDirJobId);
    }
}
