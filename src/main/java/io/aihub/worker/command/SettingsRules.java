package io.aihub.worker.command;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks the {@code settings} object against the API's types, keeps the tags within the API's total length once
 * the worker's own tag is added, and collects the secret material it holds so it can be scrubbed from anything
 * the worker writes.
 */
final class SettingsRules {

    private static final String PDF_PASSWORDS = "instabase.pdf.passwords";

    private final String ownTag;
    private final int maxTagsLength;

    SettingsRules(String ownTag, int maxTagsLength) {
        this.ownTag = ownTag;
        this.maxTagsLength = maxTagsLength;
    }

    void check(ObjectNode settings, Set<String> secrets) {
        CommandValidator.Fields f = new CommandValidator.Fields(settings, "settings.");
        f.optionalObject("keys").ifPresent(keys -> {
            CommandValidator.Fields k = new CommandValidator.Fields(keys, "settings.keys.");
            k.optionalObject("custom");
            k.optionalObject("secret").ifPresent(secret -> collectStrings(secret, "settings.keys.secret", secrets));
        });
        f.optionalObject("runtime_config").ifPresent(config -> {
            CommandValidator.Fields r = new CommandValidator.Fields(config, "settings.runtime_config.");
            r.optionalBoolean("generate_post_process_pdf");
            // The API names the passwords "instabase.pdf.passwords"; accept it as one key or as nested objects.
            r.optionalObject(PDF_PASSWORDS)
                    .ifPresent(p -> collectStrings(p, "settings.runtime_config." + PDF_PASSWORDS, secrets));
            JsonNode nested = config.path("instabase").path("pdf").path("passwords");
            if (!nested.isMissingNode() && !nested.isNull()) {
                if (!nested.isObject()) {
                    throw CommandValidator.invalid("settings.runtime_config." + PDF_PASSWORDS + ": must be an object");
                }
                collectStrings((ObjectNode) nested, "settings.runtime_config." + PDF_PASSWORDS, secrets);
            }
        });
        JsonNode tags = settings.get("tags");
        if (tags != null && !tags.isNull()) {
            checkTags(tags);
        }
    }

    private void checkTags(JsonNode tags) {
        if (!tags.isArray()) {
            throw CommandValidator.invalid("settings.tags: must be an array of strings");
        }
        int total = ownTag.length();
        for (JsonNode tag : tags) {
            if (!tag.isTextual()) {
                throw CommandValidator.invalid("settings.tags: must be an array of strings");
            }
            total += tag.asText().length();
        }
        if (total > maxTagsLength) {
            throw CommandValidator.invalid("settings.tags: all tags, with the worker's own tag, exceed "
                    + maxTagsLength + " characters");
        }
    }

    private static void collectStrings(ObjectNode object, String field, Set<String> secrets) {
        object.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw CommandValidator.invalid(field + ": every value must be a string");
            }
            if (!e.getValue().asText().isEmpty()) {
                secrets.add(e.getValue().asText());
            }
        });
    }
}
