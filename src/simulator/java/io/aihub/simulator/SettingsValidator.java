package io.aihub.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Validates the {@code settings} object shared by Run app and Run deployment: {@code keys.custom} (object),
 * {@code keys.secret} (object of strings), {@code runtime_config} ({@code generate_post_process_pdf} boolean,
 * {@code instabase.pdf.passwords} object of strings) and {@code tags} (strings, at most 500 characters in all).
 * Other {@code runtime_config} keys pass: the service has many more than this contract lists.
 */
final class SettingsValidator {
    static final int MAX_TOTAL_TAG_CHARACTERS = 500;
    private static final String PASSWORDS_KEY = "instabase.pdf.passwords";

    private SettingsValidator() {
    }

    /** Validates {@code body.settings} and returns its tags, or null when no tags were given. */
    static List<String> validate(ObjectNode body) {
        ObjectNode settings = BodyFields.optObject(body, "settings", "");
        if (settings == null) {
            return null;
        }
        BodyFields.rejectUnknown(settings, Set.of("keys", "runtime_config", "tags"), "settings.");
        validateKeys(BodyFields.optObject(settings, "keys", "settings."));
        validateRuntimeConfig(BodyFields.optObject(settings, "runtime_config", "settings."));
        return tags(settings.get("tags"));
    }

    private static void validateKeys(ObjectNode keys) {
        if (keys == null) {
            return;
        }
        BodyFields.rejectUnknown(keys, Set.of("custom", "secret"), "settings.keys.");
        BodyFields.optObject(keys, "custom", "settings.keys.");
        ObjectNode secret = BodyFields.optObject(keys, "secret", "settings.keys.");
        if (secret != null) {
            BodyFields.requireStringValues(secret, "settings.keys.secret");
        }
    }

    private static void validateRuntimeConfig(ObjectNode config) {
        if (config == null) {
            return;
        }
        String prefix = "settings.runtime_config.";
        BodyFields.optBoolean(config, "generate_post_process_pdf", prefix);
        // Accept the passwords both as a literal dotted key and nested, since the contract's path reads either way.
        ObjectNode flat = BodyFields.optObject(config, PASSWORDS_KEY, prefix);
        if (flat != null) {
            BodyFields.requireStringValues(flat, prefix + PASSWORDS_KEY);
        }
        ObjectNode instabase = BodyFields.optObject(config, "instabase", prefix);
        ObjectNode pdf = instabase == null ? null : BodyFields.optObject(instabase, "pdf", prefix + "instabase.");
        ObjectNode nested = pdf == null ? null : BodyFields.optObject(pdf, "passwords", prefix + "instabase.pdf.");
        if (nested != null) {
            BodyFields.requireStringValues(nested, prefix + PASSWORDS_KEY);
        }
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
