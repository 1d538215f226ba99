package io.aihub.worker.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the result of one input file into records of the results topic, each under a size limit. A file that fits is
 * one record whose value holds the file object; a larger one is split into parts whose {@code file_chunk} strings,
 * concatenated in part order, are the file object's JSON text. Splitting rather than truncating keeps every result
 * (a truncated extraction is a silent loss to whoever reads it); the headers say part i of n so a consumer can
 * reassemble, and (run ID, file index, part) identifies a record for dedupe, since the topic is at-least-once.
 */
public final class ResultRecords {

    /** Header names of a result record. */
    public static final String COMMAND_ID = "aihub-command-id";
    public static final String RUN_ID = "aihub-run-id";
    public static final String FILE_INDEX = "aihub-file-index";
    public static final String PART = "aihub-part";
    public static final String PARTS = "aihub-parts";
    public static final String ERROR_FIELDS = "aihub-error-fields";
    public static final String CONTENT_TYPE = "content-type";

    /** Room left for the record's framing in a batch, besides key, value and headers. */
    static final int FRAMING_BYTES = 128;

    private ResultRecords() {
    }

    /** One record: its headers (in order) and value. The key is the command ID. */
    public record ResultRecord(Map<String, String> headers, byte[] value) {
    }

    /** The records of file {@code fileIndex} (0-based over the whole run) of a run's results. */
    public static List<ResultRecord> of(ObjectMapper mapper, String commandId, String runId, int fileIndex,
            JsonNode file, int maxRecordBytes) {
        int errorFields = errorFields(file);
        ObjectNode whole = envelope(mapper, commandId, runId, fileIndex, 1, 1);
        whole.set("file", file);
        byte[] value = write(mapper, whole);
        Map<String, String> headers = headers(commandId, runId, fileIndex, 1, 1, errorFields);
        if (size(commandId, headers, value.length) <= maxRecordBytes) {
            return List.of(new ResultRecord(headers, value));
        }
        String text = new String(write(mapper, file), StandardCharsets.UTF_8);
        // The budget of a chunk: what is left of the limit after key, headers and an envelope with an empty chunk, with
        // room for part numbers of up to 10 digits each.
        ObjectNode empty = envelope(mapper, commandId, runId, fileIndex, Integer.MAX_VALUE, Integer.MAX_VALUE);
        empty.put("file_chunk", "");
        int overhead = size(commandId, headers(commandId, runId, fileIndex, Integer.MAX_VALUE, Integer.MAX_VALUE,
                errorFields), write(mapper, empty).length);
        int budget = maxRecordBytes - overhead;
        if (budget < 16) {
            throw new IllegalArgumentException("worker.results.max-record-bytes (" + maxRecordBytes
                    + ") leaves no room for a result chunk");
        }
        List<String> chunks = chunks(text, budget);
        List<ResultRecord> records = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            ObjectNode part = envelope(mapper, commandId, runId, fileIndex, i + 1, chunks.size());
            part.put("file_chunk", chunks.get(i));
            records.add(new ResultRecord(headers(commandId, runId, fileIndex, i + 1, chunks.size(), errorFields),
                    write(mapper, part)));
        }
        return records;
    }

    /** Fields whose value is the text {@code ERROR} anywhere in the file's documents. */
    public static int errorFields(JsonNode file) {
        int count = 0;
        for (JsonNode document : file.path("documents")) {
            for (JsonNode field : document.path("fields")) {
                JsonNode value = field.get("value");
                if (value != null && value.isTextual() && "ERROR".equals(value.asText())) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Splits {@code text} into pieces whose JSON string encoding (escapes and UTF-8) is at most {@code budget} bytes,
     * never inside a surrogate pair.
     */
    static List<String> chunks(String text, int budget) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        int used = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int width = encodedWidth(codePoint);
            if (used + width > budget && i > start) {
                chunks.add(text.substring(start, i));
                start = i;
                used = 0;
            }
            used += width;
            i += Character.charCount(codePoint);
        }
        if (start < text.length() || chunks.isEmpty()) {
            chunks.add(text.substring(start));
        }
        return chunks;
    }

    /** Bytes a code point takes inside a JSON string written by Jackson (an upper bound for control characters). */
    static int encodedWidth(int codePoint) {
        if (codePoint == '"' || codePoint == '\\') {
            return 2;
        }
        if (codePoint < 0x20) {
            return 6;
        }
        return new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
    }

    private static ObjectNode envelope(ObjectMapper mapper, String commandId, String runId, int fileIndex, int part,
            int parts) {
        ObjectNode node = mapper.createObjectNode();
        node.put("command_id", commandId);
        node.put("run_id", runId);
        node.put("file_index", fileIndex);
        node.put("part", part);
        node.put("parts", parts);
        return node;
    }

    private static Map<String, String> headers(String commandId, String runId, int fileIndex, int part, int parts,
            int errorFields) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(COMMAND_ID, commandId);
        headers.put(RUN_ID, runId);
        headers.put(FILE_INDEX, Integer.toString(fileIndex));
        headers.put(PART, Integer.toString(part));
        headers.put(PARTS, Integer.toString(parts));
        headers.put(ERROR_FIELDS, Integer.toString(errorFields));
        headers.put(CONTENT_TYPE, "application/json");
        return headers;
    }

    /** Bytes a record takes against the limit: key, value, headers and framing. */
    private static int size(String key, Map<String, String> headers, int valueBytes) {
        int size = FRAMING_BYTES + key.getBytes(StandardCharsets.UTF_8).length + valueBytes;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            size += header.getKey().length() + header.getValue().getBytes(StandardCharsets.UTF_8).length + 8;
        }
        return size;
    }

    private static byte[] write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a result could not be written as JSON", e);
        }
    }
}
