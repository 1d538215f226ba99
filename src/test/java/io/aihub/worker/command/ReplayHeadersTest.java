package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class ReplayHeadersTest {

    private static final Instant AT = Instant.parse("2026-11-28T12:00:00Z");

    private static Headers headers(String... pairs) {
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static List<String> names(Headers headers) {
        List<String> names = new ArrayList<>();
        for (Header header : headers) {
            names.add(header.key());
        }
        return names;
    }

    @Test
    void original_headers_are_kept_and_diagnostic_ones_renamed_with_replay_headers_added() {
        Headers dead = headers("ce_type", "x", "trace", "t1", DeadLetterHeaders.REASON, "AIHUB_REJECTED: submission failed",
                DeadLetterHeaders.TOPIC, "aihub.run.commands", DeadLetterHeaders.ERROR_CODE, "AIHUB_REJECTED",
                DeadLetterHeaders.HTTP_STATUS, "400",
                DeadLetterHeaders.ATTEMPTS, "1");

        Headers replay = ReplayHeaders.forReplay(dead, "aihub.run.commands.dlq", 2, 17, AT);

        assertThat(names(replay)).containsExactly("ce_type", "trace", "replayed-dead-letter-reason",
                "replayed-dead-letter-topic", "replayed-aihub-error-code", "replayed-aihub-http-status",
                "replayed-aihub-attempts", "aihub-replayed-from", "aihub-replayed-at");
        assertThat(ReplayHeaders.text(replay, "replayed-dead-letter-reason")).contains("AIHUB_REJECTED: submission failed");
        assertThat(ReplayHeaders.text(replay, "aihub-replayed-from")).contains("aihub.run.commands.dlq-2@17");
        assertThat(ReplayHeaders.text(replay, "aihub-replayed-at")).contains("2026-11-28T12:00:00Z");
        assertThat(ReplayHeaders.isReplay(replay)).isTrue();
        assertThat(ReplayHeaders.isReplay(dead)).isFalse();
    }

    @Test
    void a_second_replay_keeps_only_the_newest_reason_under_each_name() {
        // A dead letter of a record that was replayed once and failed again: the old renamed headers and replay
        // headers, then the new diagnostic ones.
        Headers dead = headers("replayed-dead-letter-reason", "old reason", "replayed-aihub-error-code", "RETRIES_EXHAUSTED",
                "replayed-aihub-first-failure-at", "2026-11-01T00:00:00Z",
                "aihub-replayed-from", "aihub.run.commands.dlq-0@3", "aihub-replayed-at", "2026-11-02T00:00:00Z",
                DeadLetterHeaders.REASON, "new reason", DeadLetterHeaders.ERROR_CODE, "AIHUB_REJECTED");

        Headers replay = ReplayHeaders.forReplay(dead, "aihub.run.commands.dlq", 1, 99, AT);

        assertThat(names(replay)).containsExactly("replayed-aihub-first-failure-at", "replayed-dead-letter-reason",
                "replayed-aihub-error-code", "aihub-replayed-from", "aihub-replayed-at");
        assertThat(ReplayHeaders.text(replay, "replayed-dead-letter-reason")).contains("new reason");
        assertThat(ReplayHeaders.text(replay, "replayed-aihub-error-code")).contains("AIHUB_REJECTED");
        assertThat(ReplayHeaders.text(replay, "aihub-replayed-from")).contains("aihub.run.commands.dlq-1@99");
        assertThat(replay.headers(DeadLetterHeaders.REASON)).isEmpty();
    }
}
