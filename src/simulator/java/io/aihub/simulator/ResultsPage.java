package io.aihub.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds one page of the results of a COMPLETE run: {@code files} from {@code file_offset}, at most a page of
 * them, and {@code has_more} when files remain. Every file holds one invoice document with three fields; for
 * {@code error-fields} runs, {@code total_amount} is {@code ERROR} with an {@code error_msg}, the way a COMPLETE
 * run can still carry fields that failed extraction.
 */
final class ResultsPage {
    private final int files;
    private final int pageSize;

    ResultsPage(int files, int pageSize) {
        this.files = files;
        this.pageSize = pageSize;
    }

    ObjectNode build(SimulatedRunView run, int fileOffset, boolean confidenceScores) {
        ObjectNode json = SimJson.object();
        json.put("id", run.id());
        json.put("status", run.status());
        json.put("start_timestamp", run.startTimestamp());
        json.put("finish_timestamp", run.finishTimestamp().orElse(0L));
        if (run.batchId().isPresent()) {
            json.put("batch_id", run.batchId().get());
        } else {
            json.putNull("batch_id");
        }
        ArrayNode list = json.putArray("files");
        int end = (int) Math.min((long) fileOffset + pageSize, files);
        for (int index = fileOffset; index < end; index++) {
            list.add(file(run, index, confidenceScores));
        }
        json.put("review_completed", true);
        json.put("has_more", end < files);
        return json;
    }

    private static ObjectNode file(SimulatedRunView run, int index, boolean confidenceScores) {
        String name = String.format("document-%03d.pdf", index + 1);
        ObjectNode file = SimJson.object();
        file.put("original_file_name", name);
        file.put("input_file_path", run.inputDir()
                .map(dir -> dir.endsWith("/") ? dir + name : dir + "/" + name)
                .orElse("/batches/" + run.batchId().map(String::valueOf).orElse("upstream") + "/" + name));
        ObjectNode document = file.putArray("documents").addObject();
        document.put("class_name", "invoice");
        document.putArray("page_numbers").add(1).add(2);
        ArrayNode fields = document.putArray("fields");
        fields.add(field("invoice_number", String.format("INV-%05d", index + 1), "TEXT", null, confidenceScores));
        if (run.errorFields()) {
            fields.add(field("total_amount", "ERROR", "NUMBER", "could not extract total_amount (simulated)",
                    confidenceScores));
        } else {
            fields.add(field("total_amount", (index + 1) * 100 + ".00", "NUMBER", null, confidenceScores));
        }
        fields.add(field("invoice_date", "2024-01-" + String.format("%02d", index % 28 + 1), "DATE", null,
                confidenceScores));
        return file;
    }

    private static ObjectNode field(String name, String value, String type, String error, boolean confidence) {
        ObjectNode field = SimJson.object();
        field.put("field_name", name);
        field.put("value", value);
        field.put("type", type);
        field.put("error_msg", error);
        if (confidence) {
            field.put("confidence", error == null ? 0.97 : 0.0);
        }
        return field;
    }
}
