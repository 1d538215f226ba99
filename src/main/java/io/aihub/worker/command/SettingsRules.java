package io.aihub.worker.command;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks the {@code settings} object against the API's types, keeps the tags within the API's total length once
 * the worker's own tag is added, and collects the secret material it holds so it can be scrubbed from anything
 * the worker writes: secret key names, and the PDF passwords of {@code runtime_config.instabase.pdf.passwords}.
 */
final class SettingsRules {

    /** Where the API reads PDF passwords: nested objects {@code instabase} → {@code pdf} → {@code passwords}. */
    private static final String PDF_PASSWORDS = "settings.runtime_config.instabase.pdf.passwords";
    /** A single key with dots in it: not what the API reads, but whoever wrote it meant passwords. */
    private static final String DOTTED_PASSWORDS = "instabase.pdf.passwords";

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
            r.optionalObject("instabase")
                    .flatMap(i -> new CommandValidator.Fields(i, "settings.runtime_config.instabase.")
                            .optionalObject("pdf"))
                    .flatMap(p -> new CommandValidator.Fields(p, "settings.runtime_config.instabase.pdf.")
                            .optionalObject("passwords"))
                    .ifPresent(passwords -> collectStrings(passwords, PDF_PASSWORDS, secrets));
            // Passed on as given (the API does not read it), yet every string in it is kept out of what we write.
            JsonNode dotted = config.get(DOTTED_PASSWORDS);
            if (dotted != null) {
                collectAnyStrings(dotted, secrets);
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
            // A run is found again by the tag the worker adds; a command's own tag with that prefix could make
            // another command's search take this run for its own.
            if (tag.asText().startsWith(RunCommand.RUN_TAG_PREFIX)) {
                throw CommandValidator.invalid("settings.tags: a tag may not start with '" + RunCommand.RUN_TAG_PREFIX
                        + "', which the worker's own tag uses");
            }
            total += tag.asText().length();
        }
        if (total > maxTagsLength) {
            throw CommandValidator.invalid("settings.tags: all tags, with the worker's own tag, exceed "
                    + maxTagsLength + " characters");
        }
    }

    /** Every non-empty string anywhere in {@code node}, whatever its shape. */
    private static void collectAnyStrings(JsonNode node, Set<String> secrets) {
        if (node.isTextual() && !node.asText().isEmpty()) {
            secrets.add(node.asText());
        }
        node.elements().forEachRemaining(child -> collectAnyStrings(child, secrets));
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
