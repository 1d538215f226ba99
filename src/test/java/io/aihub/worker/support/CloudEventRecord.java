package io.aihub.worker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A status event as read from the events topic in binary mode: the {@code ce_*} headers and the JSON data. */
public record CloudEventRecord(String key, String specVersion, String id, String type, String source, String subject,
        String time, String contentType, JsonNode data) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static CloudEventRecord of(ConsumerRecord<byte[], byte[]> record) {
        try {
            return new CloudEventRecord(new String(record.key(), StandardCharsets.UTF_8),
                    KafkaTopics.header(record, "ce_specversion"), KafkaTopics.header(record, "ce_id"),
                    KafkaTopics.header(record, "ce_type"), KafkaTopics.header(record, "ce_source"),
                    KafkaTopics.header(record, "ce_subject"), KafkaTopics.header(record, "ce_time"),
                    KafkaTopics.header(record, "content-type"), JSON.readTree(record.value()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True for the types after which no event follows. */
    public boolean isTerminal() {
        return switch (type) {
            case "aihub.run.completed", "aihub.run.failed", "aihub.run.cancelled", "aihub.run.rejected",
                    "aihub.run.submission_failed", "aihub.run.tracking_failed" ->
                true;
            default -> false;
        };
    }
}
