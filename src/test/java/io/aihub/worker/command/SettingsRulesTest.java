package io.aihub.worker.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code settings} rules and the secrets they collect, PDF passwords above all. */
class SettingsRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SettingsRules rules = new SettingsRules("aihub-run-worker:c-1", 500);

    private Set<String> secretsOf(String settings) throws Exception {
        Set<String> secrets = new HashSet<>();
        rules.check((ObjectNode) JSON.readTree(settings), secrets);
        return secrets;
    }

    @Test
    void nested_pdf_passwords_are_secrets() throws Exception {
        assertThat(secretsOf("""
                {"runtime_config": {"instabase": {"pdf": {"passwords": {"a.pdf": "pw-a", "b.pdf": "pw-b"}}}}}"""))
                .containsExactlyInAnyOrder("pw-a", "pw-b");
    }

    @Test
    void a_dotted_passwords_key_is_passed_on_whatever_its_shape_and_every_string_in_it_is_a_secret() throws Exception {
        assertThat(secretsOf("""
                {"runtime_config": {"instabase.pdf.passwords": {"a.pdf": "pw-a", "more": ["pw-b", {"c": "pw-c"}]}}}"""))
                .containsExactlyInAnyOrder("pw-a", "pw-b", "pw-c");
        assertThat(secretsOf("{\"runtime_config\": {\"instabase.pdf.passwords\": \"pw-d\"}}")).containsExactly("pw-d");
    }

    @Test
    void other_runtime_config_keys_and_an_instabase_object_without_passwords_hold_no_secret() throws Exception {
        assertThat(secretsOf("""
                {"runtime_config": {"ocr": {"mode": "fast"}, "instabase": {"pdf": {"dpi": "300"}, "x": "y"}},
                 "webhook_config": {"url": "https://example.invalid/hook"}}""")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"runtime_config\": {\"instabase\": {\"pdf\": {\"passwords\": {\"a.pdf\": 1}}}}} | "
                    + "settings.runtime_config.instabase.pdf.passwords: every value must be a string",
            "{\"runtime_config\": {\"instabase\": {\"pdf\": {\"passwords\": \"pw\"}}}} | "
                    + "settings.runtime_config.instabase.pdf.passwords: must be an object",
            "{\"runtime_config\": {\"instabase\": {\"pdf\": \"x\"}}} | settings.runtime_config.instabase.pdf: must be an object",
            "{\"runtime_config\": {\"instabase\": []}} | settings.runtime_config.instabase: must be an object",
            "{\"keys\": {\"secret\": {\"k\": 2}}} | settings.keys.secret: every value must be a string"
    })
    void passwords_and_secret_keys_of_the_wrong_type_are_invalid_and_the_reason_quotes_no_value(String settings,
            String reason) {
        InvalidCommandException invalid = catchThrowableOfType(InvalidCommandException.class,
                () -> secretsOf(settings));

        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(invalid.getMessage()).isEqualTo(reason).doesNotContain("pw");
    }
}
