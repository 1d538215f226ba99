package io.aihub.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Validates the {@code settings} object shared by Run app and Run deployment: {@code keys.custom} (object),
 * {@code keys.secret} (object of strings), {@code runtime_config} ({@code generate_post_process_pdf} boolean, the
 * nested {@code instabase} → {@code pdf} → {@code passwords} object of strings) and {@code tags} (strings, at most
 * 500 characters in all). Other keys pass, as the service passes unknown settings (for example
 * {@code webhook_config}) and {@code runtime_config} keys on; strict mode refuses unknown keys of {@code settings}
 * and {@code settings.keys}. A key {@code "instabase.pdf.passwords"} with dots in it is one of those other
 * {@code runtime_config} keys: the service does not read it as the passwords.
 */
final class SettingsValidator {
    static final int MAX_TOTAL_TAG_CHARACTERS = 500;
    private static final String RUNTIME = "settings.runtime_config.";

    private final boolean strict;

    SettingsValidator(boolean strict) {
        this.strict = strict;
    }

    /**
     * What a run keeps of its settings.
     *
     * @param tags {@code settings.tags}, null when not given
     * @param pdfPasswordFiles the file titles that came with a PDF password (never the passwords), null when none
     */
    record Settings(List<String> tags, List<String> pdfPasswordFiles) {
        static final Settings NONE = new Settings(null, null);
    }

    /** Validates {@code body.settings}. */
    Settings validate(ObjectNode body) {
        ObjectNode settings = BodyFields.optObject(body, "settings", "");
        if (settings == null) {
            return Settings.NONE;
        }
        if (strict) {
            BodyFields.rejectUnknown(settings, Set.of("keys", "runtime_config", "tags"), "settings.");
        }
        validateKeys(BodyFields.optObject(settings, "keys", "settings."));
        List<String> pdfPasswordFiles = validateRuntimeConfig(BodyFields.optObject(settings, "runtime_config",
                "settings."));
        return new Settings(tags(settings.get("tags")), pdfPasswordFiles);
    }

    private void validateKeys(ObjectNode keys) {
        if (keys == null) {
            return;
        }
        if (strict) {
            BodyFields.rejectUnknown(keys, Set.of("custom", "secret"), "settings.keys.");
        }
        BodyFields.optObject(keys, "custom", "settings.keys.");
        ObjectNode secret = BodyFields.optObject(keys, "secret", "settings.keys.");
        if (secret != null) {
            BodyFields.requireStringValues(secret, "settings.keys.secret");
        }
    }

    private static List<String> validateRuntimeConfig(ObjectNode config) {
        if (config == null) {
            return null;
        }
        BodyFields.optBoolean(config, "generate_post_process_pdf", RUNTIME);
        ObjectNode instabase = BodyFields.optObject(config, "instabase", RUNTIME);
        ObjectNode pdf = instabase == null ? null : BodyFields.optObject(instabase, "pdf", RUNTIME + "instabase.");
        ObjectNode passwords = pdf == null ? null : BodyFields.optObject(pdf, "passwords", RUNTIME + "instabase.pdf.");
        if (passwords == null) {
            return null;
        }
        BodyFields.requireStringValues(passwords, RUNTIME + "instabase.pdf.passwords");
        List<String> files = new ArrayList<>();
        passwords.fieldNames().forEachRemaining(files::add);
        return List.copyOf(files);
    }

    private static List<String> tags(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw Rejection.badRequest("settings.tags must be an array of strings");
        }
        List<String> tags = new ArrayList<>(node.size());
        long total = 0;
        for (int i = 0; i < node.size(); i++) {
            JsonNode tag = node.get(i);
            if (!tag.isTextual()) {
                throw Rejection.badRequest("settings.tags[" + i + "] must be a string");
            }
            total += tag.textValue().codePointCount(0, tag.textValue().length());
            tags.add(tag.textValue());
        }
        if (total > MAX_TOTAL_TAG_CHARACTERS) {
            throw Rejection.badRequest("settings.tags must be at most " + MAX_TOTAL_TAG_CHARACTERS
                    + " characters in total");
        }
        return List.copyOf(tags);
    }
}
