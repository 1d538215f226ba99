package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** Secret values are removed from text that came from outside (design.md, guarantee 7). */
class SecretScrubberTest {

    @Test
    void every_occurrence_of_every_secret_is_masked() {
        String echoed = "password pdf-pass-1 rejected; key sk-live-9 unknown; again pdf-pass-1";

        assertThat(SecretScrubber.scrub(echoed, Set.of("pdf-pass-1", "sk-live-9")))
                .isEqualTo("password *** rejected; key *** unknown; again ***");
    }

    @Test
    void short_secrets_are_masked_too() {
        assertThat(SecretScrubber.scrub("pin 123 refused", Set.of("123"))).isEqualTo("pin *** refused");
    }

    @Test
    void text_without_a_secret_is_returned_unchanged() {
        String text = "app invoice-app not found";

        assertThat(SecretScrubber.scrub(text, Set.of("sk-live-9"))).isEqualTo(text);
        assertThat(SecretScrubber.scrub(text, Set.of())).isEqualTo(text);
    }

    @Test
    void empty_and_absent_secrets_mask_nothing() {
        assertThat(SecretScrubber.scrub("app not found", Arrays.asList("", null))).isEqualTo("app not found");
    }

    @Test
    void absent_and_empty_text_stay_as_they_are() {
        assertThat(SecretScrubber.scrub(null, List.of("sk-live-9"))).isNull();
        assertThat(SecretScrubber.scrub("", List.of("sk-live-9"))).isEmpty();
    }

    @Test
    void the_mask_says_nothing_about_the_length_of_the_secret() {
        assertThat(SecretScrubber.scrub("a", Set.of("a"))).isEqualTo(SecretScrubber.scrub("abcdefghijklmnop",
                Set.of("abcdefghijklmnop")));
    }

    @Test
    @Disabled("issue 13 (core review m2): AI Hub may echo the request body as JSON inside its message, where a"
            + " secret with a quote or backslash appears escaped; SecretScrubber replaces only the literal value")
    void a_secret_echoed_in_json_escaped_form_is_masked_too() {
        String echoed = "invalid settings: {\"pdf_password\": \"pa\\\"ss\\\\word\"}";

        assertThat(SecretScrubber.scrub(echoed, Set.of("pa\"ss\\word")))
                .isEqualTo("invalid settings: {\"pdf_password\": \"***\"}");
    }
}
