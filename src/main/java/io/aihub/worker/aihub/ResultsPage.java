package io.aihub.worker.aihub;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One page of Get run results; {@code hasMore} asks for the next page at a larger {@code file_offset}. Unlike the run
 * object, this body names the run's message {@code message} and gives {@code batch_id} as a string.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResultsPage(String id, String status, String message, Long startTimestamp, Long finishTimestamp,
        String batchId, List<ResultFile> files, JsonNode caseInfo, Boolean reviewCompleted, boolean hasMore) {

    /** The files, never null. */
    public List<ResultFile> filesOrEmpty() {
        return files == null ? List.of() : files;
    }

    /** The results of one input file. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ResultFile(String originalFileName, String inputFilePath, List<ResultDocument> documents) {
    }

    /** One document found in a file. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ResultDocument(String className, List<Integer> pageNumbers, List<ResultField> fields) {
    }

    /**
     * One extracted field; {@code value} is any JSON and may be the string {@code ERROR}; {@code confidence} is there
     * when the scores were asked for.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ResultField(String fieldName, JsonNode value, String type, String errorMsg, Confidence confidence) {
    }

    /** The model's and the OCR's confidence in a field, each absent when the service has none. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Confidence(Double model, Double ocr) {
    }
}
