package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Masking of a command's secrets and the API token in AI Hub's messages: by value for a command read from its record,
 * by keyed fingerprint for one resumed from the ledger, with the same result, JSON-escaped echoes included.
 */
class SecretMaskingTest {

    private static final String TOKEN = "api-token-5f2b9c";
    private static final String KEY = "a-fingerprint-key-of-32-characters!";
    private static final String PLAIN = "vault-name-1";
    private static final String ODD = "pw\"with\\slash/and-\u00e9";

    private final SecretMasking masking = new SecretMasking(Optional.of(TOKEN), Optional.empty());

    /** How AI Hub might echo the secrets: as sent, JSON-escaped, escaped with non-ASCII as backslash-u, and so on. */
    private static final String ECHO = "key=" + PLAIN + " raw=" + ODD + " json=pw\\\"with\\\\slash/and-\u00e9"
            + " ascii=pw\\\"with\\\\slash/and-\\u00e9 ASCII=pw\\\"with\\\\slash/and-\\u00E9"
            + " slash=pw\\\"with\\\\slash\\/and-\u00e9 twice=pw\\\\\\\"with\\\\\\\\slash/and-\u00e9 token=" + TOKEN;
    private static final String MASKED = "key=*** raw=*** json=*** ascii=*** ASCII=*** slash=*** twice=*** token=***";

    @Test
    void a_command_read_from_its_record_masks_its_secrets_in_every_echoed_form_and_the_token() {
        CommandSecrets secrets = masking.of("c-1", Set.of(PLAIN, ODD));

        assertThat(secrets.scrub(ECHO)).isEqualTo(MASKED);
        assertThat(secrets.scrub("nothing secret here")).isEqualTo("nothing secret here");
        assertThat(secrets.scrub(null)).isNull();
    }

    @Test
    void a_command_resumed_from_its_fingerprints_masks_the_same_text_the_same_way() {
        List<String> fingerprints = masking.of("c-1", Set.of(PLAIN, ODD)).fingerprints();

        CommandSecrets restored = masking.restored("c-1", fingerprints);

        assertThat(restored.values()).isEmpty();
        assertThat(restored.scrub(ECHO)).isEqualTo(MASKED);
        assertThat(restored.scrub("the run is at " + PLAIN + PLAIN + ".")).isEqualTo("the run is at ***.");
    }

    @Test
    void fingerprints_hold_no_secret_and_differ_between_commands_with_the_same_secret() {
        List<String> first = masking.of("c-1", Set.of(PLAIN)).fingerprints();
        List<String> second = masking.of("c-2", Set.of(PLAIN)).fingerprints();

        assertThat(first).hasSize(1).allMatch(f -> f.matches("12:[A-Za-z0-9_-]{22}"));
        assertThat(String.join(",", first)).doesNotContain(PLAIN)
                .doesNotContain(Base64.getEncoder().encodeToString(PLAIN.getBytes(StandardCharsets.UTF_8)));
        assertThat(second).doesNotContainAnyElementsOf(first);
        assertThat(masking.restored("c-2", first).scrub("x " + PLAIN)).isEqualTo("x " + PLAIN);
    }

    @Test
    void a_configured_key_outlives_a_new_token_and_the_derived_one_does_not() {
        SecretMasking before = new SecretMasking(Optional.of(TOKEN), Optional.of(KEY));
        SecretMasking after = new SecretMasking(Optional.of("a-new-token-81c0"), Optional.of(KEY));
        SecretMasking derivedAfter = new SecretMasking(Optional.of("a-new-token-81c0"), Optional.empty());
        List<String> fingerprints = before.of("c-1", Set.of(PLAIN)).fingerprints();
        List<String> derived = masking.of("c-1", Set.of(PLAIN)).fingerprints();

        assertThat(after.restored("c-1", fingerprints).scrub("x " + PLAIN + " a-new-token-81c0")).isEqualTo("x *** ***");
        assertThat(derivedAfter.restored("c-1", derived).scrub("x " + PLAIN)).isEqualTo("x " + PLAIN);
    }

    @Test
    void a_configured_key_shorter_than_32_characters_stops_the_worker() {
        assertThatThrownBy(() -> new SecretMasking(Optional.of(TOKEN), Optional.of("short")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("worker.secrets.fingerprint-key (WORKER_SECRETS_FINGERPRINT_KEY) must have at least 32"
                        + " characters");
    }

    @Test
    void a_resumed_command_scans_a_bounded_prefix_of_a_long_message_and_leaves_no_secret_half_masked() {
        CommandSecrets restored = masking.restored("c-1", masking.of("c-1", Set.of(PLAIN)).fingerprints());
        String longText = "x".repeat(SecretMasking.MAX_SCANNED - 5) + PLAIN + "tail";

        String scrubbed = restored.scrub(longText);

        assertThat(scrubbed).hasSize(SecretMasking.MAX_SCANNED - PLAIN.length() + 1).endsWith("x…")
                .doesNotContain(PLAIN.substring(0, 5));
        assertThat(restored.scrub("x".repeat(100) + PLAIN)).isEqualTo("x".repeat(100) + "***");
    }

    @Test
    void without_a_token_or_key_the_command_still_masks_its_values_and_writes_no_fingerprint() {
        SecretMasking keyless = new SecretMasking(Optional.empty(), Optional.empty());
        CommandSecrets secrets = keyless.of("c-1", Set.of(PLAIN));

        assertThat(secrets.fingerprints()).isEmpty();
        assertThat(secrets.scrub("key=" + PLAIN)).isEqualTo("key=***");
        assertThat(secrets.toString()).doesNotContain(PLAIN).isEqualTo("CommandSecrets[1 values, 0 fingerprints]");
    }
}
