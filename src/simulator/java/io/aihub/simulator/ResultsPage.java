package io.aihub.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds one page of the results of a run: the run's {@code id}, {@code status}, {@code message}, timestamps and
 * {@code batch_id} (a string in this body), then for a COMPLETE run {@code files} from {@code file_offset}, at most a
 * page of them, and {@code has_more} when files remain; a run that is not COMPLETE has no files yet. Every file holds
 * one invoice document with three fields; for {@code error-fields} runs, {@code total_amount} is {@code ERROR} with an
 * {@code error_msg}, the way a COMPLETE run can still carry fields that failed extraction.
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
        json.put("message", run.msg().orElse(null));
        json.put("start_timestamp", run.startTimestamp());
        json.put("finish_timestamp", run.finishTimestamp().orElse(null));
        // A string in this body; left out for a run started from a folder (the API documents no null here).
        run.batchId().ifPresent(batch -> json.put("batch_id", String.valueOf(batch)));
        ArrayNode list = json.putArray("files");
        int available = Scenario.COMPLETE.equals(run.status()) ? files : 0;
        int end = (int) Math.min((long) fileOffset + pageSize, available);
        for (int index = fileOffset; index < end; index++) {
            list.add(file(run, index, confidenceScores));
        }
        json.put("review_completed", Scenario.COMPLETE.equals(run.status()));
        json.put("has_more", end < available);
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
        // A string in the API's schema, not nullable: a field that did not fail has an empty message.
        field.put("error_msg", error == null ? "" : error);
        if (confidence) {
            double score = error == null ? 0.97 : 0.0;
            field.putObject("confidence").put("model", score).put("ocr", error == null ? 0.99 : 0.0);
        }
        return field;
    }
}
