package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A command's own secret values are removed from text that came from outside (design.md, guarantee 7). */
class CommandSecretsTest {

    private static CommandSecrets secrets(String... values) {
        return SecretMasking.valuesOnly().of("c-1", new HashSet<>(Arrays.asList(values)));
    }

    @Test
    void every_occurrence_of_every_secret_is_masked() {
        String echoed = "password pdf-pass-1 rejected; key sk-live-9 unknown; again pdf-pass-1";

        assertThat(secrets("pdf-pass-1", "sk-live-9").scrub(echoed))
                .isEqualTo("password *** rejected; key *** unknown; again ***");
    }

    @Test
    void short_secrets_are_masked_too() {
        assertThat(secrets("123").scrub("pin 123 refused")).isEqualTo("pin *** refused");
    }

    @Test
    void text_without_a_secret_is_returned_unchanged() {
        String text = "app invoice-app not found";

        assertThat(secrets("sk-live-9").scrub(text)).isEqualTo(text);
        assertThat(secrets().scrub(text)).isEqualTo(text);
    }

    @Test
    void empty_and_absent_secrets_mask_nothing() {
        assertThat(secrets("", null).scrub("app not found")).isEqualTo("app not found");
    }

    @Test
    void absent_and_empty_text_stay_as_they_are() {
        assertThat(secrets("sk-live-9").scrub(null)).isNull();
        assertThat(secrets("sk-live-9").scrub("")).isEmpty();
    }

    @Test
    void the_mask_says_nothing_about_the_length_of_the_secret() {
        assertThat(secrets("a").scrub("a")).isEqualTo(secrets("abcdefghijklmnop").scrub("abcdefghijklmnop"));
    }

    @Test
    void a_secret_echoed_in_json_escaped_form_is_masked_too() {
        String echoed = "invalid settings: {\"pdf_password\": \"pa\\\"ss\\\\word\"}";

        assertThat(secrets("pa\"ss\\word").scrub(echoed)).isEqualTo("invalid settings: {\"pdf_password\": \"***\"}");
    }

    @Test
    void the_values_are_kept_for_the_command_and_never_printed() {
        CommandSecrets secrets = secrets("pdf-pass-1");

        assertThat(secrets.values()).isEqualTo(Set.of("pdf-pass-1"));
        assertThat(secrets.toString()).doesNotContain("pdf-pass-1");
    }
}
