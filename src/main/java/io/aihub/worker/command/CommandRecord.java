package io.aihub.worker.command;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A commands-topic record exactly as it arrived: where it came from, and its original key, value and headers, so
 * that a dead letter can carry them unchanged.
 */
public record CommandRecord(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {

    public CommandRecord {
        headers = headers == null ? new RecordHeaders() : headers;
    }

    /** The key as text, when there is one (for logs; keys are not secret). */
    public Optional<String> keyText() {
        return key == null ? Optional.empty() : Optional.of(new String(key, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
