package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.aihub.worker.support.PoisonCorpus;

/** Every entry of the poison corpus gets its expected error code from the parser, without an exception. */
class PoisonCorpusParsingTest {

    private final CommandParser parser = new CommandParser(64 * 1024, 32,
            new CommandValidator(new ContextPolicy(Optional.of("sim-org"), List.of()), AccessPolicy.OPEN,
                    new SecretMasking(Optional.empty(), Optional.empty()), 32, 1024));

    static Stream<PoisonCorpus.Entry> corpus() {
        return PoisonCorpus.load().stream();
    }

    @Test
    void the_corpus_holds_at_least_fifty_inputs_covering_every_input_error_code() {
        List<PoisonCorpus.Entry> entries = PoisonCorpus.load();

        assertThat(entries).hasSizeGreaterThanOrEqualTo(50);
        assertThat(entries).extracting(PoisonCorpus.Entry::code).contains("TOMBSTONE", "TOO_LARGE",
                "INVALID_ENCODING", "INVALID_JSON", "TOO_DEEP", "NOT_AN_OBJECT", "INVALID_CLOUDEVENT",
                "UNSUPPORTED_CLOUDEVENT_VERSION", "MISSING_FIELD", "INVALID_FIELD", "CONFLICTING_FIELDS",
                "CONTEXT_NOT_ALLOWED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void each_malformed_input_gets_its_error_code(PoisonCorpus.Entry entry) {
        RecordHeaders headers = new RecordHeaders();
        entry.headers().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));

        ParseResult result = parser.parse(entry.value(), headers);

        assertThat(result).isInstanceOfSatisfying(ParseResult.Invalid.class,
                invalid -> assertThat(invalid.code().name()).isEqualTo(entry.code()));
    }
}
