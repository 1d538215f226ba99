package io.aihub.worker.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ResultRecordsTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private ObjectNode file(String name, int documents, String value) {
        ObjectNode file = mapper.createObjectNode();
        file.put("original_file_name", name);
        var docs = file.putArray("documents");
        for (int d = 0; d < documents; d++) {
            ObjectNode doc = docs.addObject();
            doc.put("class_name", "invoice");
            var fields = doc.putArray("fields");
            fields.addObject().put("field_name", "total").put("value", value).put("type", "TEXT");
            fields.addObject().put("field_name", "note").put("value", "quotes \" and \\ and ünïcödé 😀 and \n newline")
                    .put("type", "TEXT");
        }
        return file;
    }

    private static int recordSize(String key, ResultRecords.ResultRecord record) {
        int size = ResultRecords.FRAMING_BYTES + key.length() + record.value().length;
        for (var header : record.headers().entrySet()) {
            size += header.getKey().length() + header.getValue().getBytes(StandardCharsets.UTF_8).length + 8;
        }
        return size;
    }

    @Test
    void a_file_that_fits_is_one_record_holding_the_file() throws Exception {
        ObjectNode file = file("a.pdf", 1, "42");

        List<ResultRecords.ResultRecord> records = ResultRecords.of(mapper, "c-1", "run-1", 3, file, 900_000);

        assertThat(records).hasSize(1);
        JsonNode value = mapper.readTree(records.get(0).value());
        assertThat(value.get("file")).isEqualTo(file);
        assertThat(value.get("file_index").asInt()).isEqualTo(3);
        assertThat(value.get("part").asInt()).isEqualTo(1);
        assertThat(value.get("parts").asInt()).isEqualTo(1);
        assertThat(records.get(0).headers()).containsEntry("aihub-run-id", "run-1").containsEntry("aihub-file-index", "3")
                .containsEntry("aihub-part", "1").containsEntry("aihub-parts", "1")
                .containsEntry("aihub-error-fields", "0");
    }

    @Test
    void a_file_above_the_limit_is_split_into_parts_under_it_that_reassemble_exactly() throws Exception {
        ObjectNode file = file("big.pdf", 200, "ERROR");
        int limit = 4_000;

        List<ResultRecords.ResultRecord> records = ResultRecords.of(mapper, "c-1", "run-1", 0, file, limit);

        assertThat(records.size()).isGreaterThan(5);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < records.size(); i++) {
            ResultRecords.ResultRecord record = records.get(i);
            assertThat(recordSize("c-1", record)).isLessThanOrEqualTo(limit);
            JsonNode value = mapper.readTree(record.value());
            assertThat(value.get("part").asInt()).isEqualTo(i + 1);
            assertThat(value.get("parts").asInt()).isEqualTo(records.size());
            assertThat(value.has("file")).isFalse();
            assertThat(record.headers()).containsEntry("aihub-part", Integer.toString(i + 1))
                    .containsEntry("aihub-parts", Integer.toString(records.size()))
                    .containsEntry("aihub-error-fields", "200");
            joined.append(value.get("file_chunk").asText());
        }
        assertThat(mapper.readTree(joined.toString())).isEqualTo(file);
    }

    @Test
    void chunks_never_split_a_surrogate_pair_and_respect_the_encoded_budget() {
        String text = "😀".repeat(50) + "\"\\".repeat(20);

        List<String> chunks = ResultRecords.chunks(text, 9);

        assertThat(String.join("", chunks)).isEqualTo(text);
        for (String chunk : chunks) {
            assertThat(Character.isLowSurrogate(chunk.charAt(0))).isFalse();
            assertThat(chunk.codePoints().map(ResultRecords::encodedWidth).sum()).isLessThanOrEqualTo(9);
        }
    }

    @Test
    void error_fields_are_counted_by_the_value_error() {
        assertThat(ResultRecords.errorFields(file("x.pdf", 3, "ERROR"))).isEqualTo(3);
        assertThat(ResultRecords.errorFields(file("x.pdf", 3, "error"))).isZero();
    }
}
