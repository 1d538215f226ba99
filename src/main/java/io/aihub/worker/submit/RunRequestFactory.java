package io.aihub.worker.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.TargetFields;

/**
 * Builds the body of Run app or Run deployment from a command: the target, the input, the outputs, and
 * {@code settings} passed through as given with the worker's run tag added, so the run can be found again by List
 * runs after an unknown outcome.
 */
public final class RunRequestFactory {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RunRequestFactory() {
    }

    /** The request body for {@code command}. The command is not modified. */
    public static ObjectNode body(RunCommand command) {
        ObjectNode body = JSON.objectNode();
        // The deployment ID goes into the path, not the body.
        TargetFields fields = TargetFields.of(command);
        putIfPresent(body, "app_name", fields.appName());
        putIfPresent(body, "app_id", fields.appId());
        putIfPresent(body, "owner", fields.owner());
        if (fields.batchId() != null) {
            body.put("batch_id", fields.batchId());
        }
        putIfPresent(body, "input_dir", fields.inputDir());
        if (fields.manualUpstreamIntegration() != null) {
            body.put("manual_upstream_integration", fields.manualUpstreamIntegration());
        }
        if (fields.fromTimestamp() != null) {
            body.put("from_timestamp", fields.fromTimestamp());
        }
        if (fields.toTimestamp() != null) {
            body.put("to_timestamp", fields.toTimestamp());
        }
        command.version().ifPresent(version -> body.put("version", version));
        command.outputWorkspace().ifPresent(workspace -> body.put("output_workspace", workspace));
        command.outputDir().ifPresent(dir -> body.put("output_dir", dir));
        ObjectNode settings = command.settings().map(ObjectNode::deepCopy).orElseGet(JSON::objectNode);
        JsonNode given = settings.get("tags");
        ArrayNode tags = given != null && given.isArray() ? (ArrayNode) given : settings.putArray("tags");
        if (given == null || !given.isArray()) {
            settings.set("tags", tags);
        }
        tags.add(command.runTag());
        body.set("settings", settings);
        return body;
    }

    private static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
