package io.aihub.worker.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.command.Input;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;

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
        Target target = command.target();
        if (target instanceof Target.AppByName app) {
            body.put("app_name", app.appName());
            app.owner().ifPresent(owner -> body.put("owner", owner));
        } else if (target instanceof Target.AppById app) {
            body.put("app_id", app.appId());
            app.owner().ifPresent(owner -> body.put("owner", owner));
        }
        Input input = command.input();
        if (input instanceof Input.Batch batch) {
            body.put("batch_id", batch.batchId());
        } else if (input instanceof Input.Folder folder) {
            body.put("input_dir", folder.inputDir());
        } else if (input instanceof Input.Upstream upstream) {
            body.put("manual_upstream_integration", true);
            upstream.fromTimestamp().ifPresent(from -> body.put("from_timestamp", from));
            upstream.toTimestamp().ifPresent(to -> body.put("to_timestamp", to));
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
}
