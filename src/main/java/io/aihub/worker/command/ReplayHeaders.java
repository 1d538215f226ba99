package io.aihub.worker.command;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a replayed dead letter (design.md, "Replay"). The original headers are kept; the diagnostic headers
 * of the dead letter ({@code dead-letter-*} and {@code aihub-*}) are renamed with a {@code replayed-} prefix, so that
 * if the command fails again the newest reason is the only one under its name; and the replay headers say where the
 * record was replayed from and when. The worker treats a record carrying {@link #REPLAYED_FROM} as a replay.
 */
public final class ReplayHeaders {

    /** {@code <dlq topic>-<partition>@<offset>} of the dead letter this record was replayed from. */
    public static final String REPLAYED_FROM = "aihub-replayed-from";
    /** When the replay happened, ISO-8601 UTC. */
    public static final String REPLAYED_AT = "aihub-replayed-at";
    /** Prefix given to the diagnostic headers of the dead letter. */
    public static final String RENAMED_PREFIX = "replayed-";

    private ReplayHeaders() {
    }

    /**
     * The headers of the replayed record: {@code original} (a dead letter's headers) in order, diagnostic ones renamed
     * (an older renamed copy of the same name is dropped, so each name appears once), earlier replay headers replaced.
     */
    public static Headers forReplay(Headers original, String deadLetterTopic, int partition, long offset, Instant at) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original) {
            String name = header.key();
            if (name.equals(REPLAYED_FROM) || name.equals(REPLAYED_AT)) {
                continue;
            }
            if (DeadLetterHeaders.isDiagnostic(name)) {
                String renamed = RENAMED_PREFIX + name;
                headers.remove(renamed);
                headers.add(renamed, header.value());
            } else if (!(name.startsWith(RENAMED_PREFIX)
                    && DeadLetterHeaders.isDiagnostic(name.substring(RENAMED_PREFIX.length()))
                    && original.lastHeader(name.substring(RENAMED_PREFIX.length())) != null)) {
                // An older renamed header survives only when this dead letter has no newer value for it.
                headers.add(name, header.value());
            }
        }
        headers.add(REPLAYED_FROM, utf8(deadLetterTopic + "-" + partition + "@" + offset));
        headers.add(REPLAYED_AT, utf8(at.toString()));
        return headers;
    }

    /** True when a commands-topic record was put there by a replay. */
    public static boolean isReplay(Headers headers) {
        return headers != null && headers.lastHeader(REPLAYED_FROM) != null;
    }

    /** The last value of a header as UTF-8 text. */
    public static Optional<String> text(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
