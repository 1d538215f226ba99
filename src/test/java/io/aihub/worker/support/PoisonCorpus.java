package io.aihub.worker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The malformed inputs of {@code src/test/resources/poison/corpus.json}, each with the error code it must get.
 * Values are JSON strings, base64 for bytes that are not UTF-8, absent for a tombstone, or generated (an over-size
 * record larger than the test profile's {@code worker.limits.max-command-bytes}).
 */
public final class PoisonCorpus {

    /** Larger than the test profile's 64 KiB limit, smaller than the broker's 1 MB record limit. */
    static final int OVERSIZE_BYTES = 70_000;

    /** One malformed record and the code it must be dead-lettered with. */
    public record Entry(String name, String code, byte[] value, Map<String, String> headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    private PoisonCorpus() {
    }

    /** All entries, in file order. */
    public static List<Entry> load() {
        try (InputStream in = PoisonCorpus.class.getResourceAsStream("/poison/corpus.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> entries = new ArrayList<>();
            for (JsonNode e : root) {
                Map<String, String> headers = new LinkedHashMap<>();
                e.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
                entries.add(new Entry(e.get("name").asText(), e.get("code").asText(), value(e), headers));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] value(JsonNode entry) {
        if (entry.path("tombstone").asBoolean(false)) {
            return null;
        }
        if (entry.has("value_base64")) {
            return Base64.getDecoder().decode(entry.get("value_base64").asText());
        }
        if ("oversize".equals(entry.path("generate").asText())) {
            String pad = "x".repeat(OVERSIZE_BYTES);
            return ("{\"command_id\": \"p-oversize\", \"app_name\": \"a\", \"batch_id\": 1, \"pad\": \"" + pad + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        return entry.get("value").asText().getBytes(StandardCharsets.UTF_8);
    }
}
