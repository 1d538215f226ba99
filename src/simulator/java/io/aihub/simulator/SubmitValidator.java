package io.aihub.simulator;

import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Applies the contract's rules for Run app and Run deployment bodies and reduces a valid body to a
 * {@link SubmitRequest}. Fields the contract does not name are ignored, as the API sets no
 * {@code additionalProperties: false}; in strict mode they are refused, and so are mailbox windows that are not
 * consistent (a window without upstream, one bound only, from after to), so that a test can catch a client sending
 * what the contract does not name. The first broken rule becomes a 400.
 */
final class SubmitValidator {
    private static final Set<String> APP_FIELDS = Set.of("app_name", "app_id", "owner", "batch_id", "input_dir",
            "version", "output_workspace", "output_dir", "settings");
    private static final Set<String> DEPLOYMENT_FIELDS = Set.of("batch_id", "input_dir",
            "manual_upstream_integration", "from_timestamp", "to_timestamp", "version", "output_dir", "settings");

    private final boolean strict;
    private final SettingsValidator settings;

    SubmitValidator(boolean strict) {
        this.strict = strict;
        this.settings = new SettingsValidator(strict);
    }

    SubmitRequest appRun(ObjectNode body) {
        if (strict) {
            BodyFields.rejectUnknown(body, APP_FIELDS, "");
        }
        String appName = BodyFields.optNonEmptyString(body, "app_name", "");
        String appId = BodyFields.optNonEmptyString(body, "app_id", "");
        if ((appName == null) == (appId == null)) {
            throw Rejection.badRequest("exactly one of app_name and app_id is required");
        }
        Long batchId = BodyFields.optLong(body, "batch_id", "");
        String inputDir = BodyFields.optNonEmptyString(body, "input_dir", "");
        if ((batchId == null) == (inputDir == null)) {
            throw Rejection.badRequest("exactly one of batch_id and input_dir is required");
        }
        BodyFields.optString(body, "owner", "");
        BodyFields.optString(body, "version", "");
        String outputWorkspace = BodyFields.optString(body, "output_workspace", "");
        String outputDir = BodyFields.optString(body, "output_dir", "");
        SettingsValidator.Settings given = settings.validate(body);
        return new SubmitRequest(appName, appId, null, batchId, inputDir, outputDir, outputWorkspace, given.tags(),
                given.pdfPasswordFiles());
    }

    SubmitRequest deploymentRun(String deploymentId, ObjectNode body) {
        if (strict) {
            BodyFields.rejectUnknown(body, DEPLOYMENT_FIELDS, "");
        }
        Long batchId = BodyFields.optLong(body, "batch_id", "");
        String inputDir = BodyFields.optNonEmptyString(body, "input_dir", "");
        boolean upstream = Boolean.TRUE.equals(BodyFields.optBoolean(body, "manual_upstream_integration", ""));
        int sources = (batchId == null ? 0 : 1) + (inputDir == null ? 0 : 1) + (upstream ? 1 : 0);
        if (sources != 1) {
            throw Rejection.badRequest(
                    "exactly one of batch_id, input_dir and manual_upstream_integration: true is required");
        }
        validateUpstreamWindow(deploymentId, body, upstream);
        BodyFields.optString(body, "version", "");
        String outputDir = BodyFields.optString(body, "output_dir", "");
        SettingsValidator.Settings given = settings.validate(body);
        return new SubmitRequest(null, null, deploymentId, batchId, inputDir, outputDir, null, given.tags(),
                given.pdfPasswordFiles());
    }

    /** A mailbox integration reads a time window (Unix milliseconds, a number); the rest is strict mode's. */
    private void validateUpstreamWindow(String deploymentId, ObjectNode body, boolean upstream) {
        Double from = BodyFields.optNumber(body, "from_timestamp", "");
        Double to = BodyFields.optNumber(body, "to_timestamp", "");
        boolean mailbox = deploymentId.toLowerCase(Locale.ROOT).contains("mailbox");
        if (upstream && mailbox && (from == null || to == null)) {
            throw Rejection.badRequest("a mailbox integration requires from_timestamp and to_timestamp");
        }
        if (!strict) {
            return;
        }
        if (!upstream && (from != null || to != null)) {
            throw Rejection.badRequest(
                    "from_timestamp and to_timestamp are allowed only with manual_upstream_integration");
        }
        if ((from == null) != (to == null)) {
            throw Rejection.badRequest("from_timestamp and to_timestamp must be given together");
        }
        if (from != null && (from < 0 || to < 0)) {
            throw Rejection.badRequest("from_timestamp and to_timestamp must not be negative");
        }
        if (from != null && from > to) {
            throw Rejection.badRequest("from_timestamp must not be after to_timestamp");
        }
    }
}
