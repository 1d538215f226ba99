package io.aihub.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the run object of the contract. Absent values are JSON null, as the service sends them; every run also
 * carries {@code sim_extra}, a field no client knows, to prove that clients ignore unknown fields.
 */
final class RunJson {
    private RunJson() {
    }

    static ObjectNode run(SimulatedRunView run) {
        return run(run, true);
    }

    /** The run object, {@code tags} left out entirely when {@code withTags} is false. */
    static ObjectNode run(SimulatedRunView run, boolean withTags) {
        ObjectNode json = SimJson.object();
        json.put("id", run.id());
        json.put("status", run.status());
        json.put("start_timestamp", run.startTimestamp());
        if (run.finishTimestamp().isPresent()) {
            json.put("finish_timestamp", run.finishTimestamp().get());
        } else if (run.zeroFinish()) {
            // Some service responses say 0 instead of null while running; clients must read both as "not yet".
            json.put("finish_timestamp", 0L);
        } else {
            json.putNull("finish_timestamp");
        }
        json.put("msg", run.msg().orElse(null));
        if (run.batchId().isPresent()) {
            json.put("batch_id", run.batchId().get());
        } else {
            json.putNull("batch_id");
        }
        json.put("input_dir", run.inputDir().orElse(null));
        json.put("app_id", run.appId().orElse(null));
        json.put("deployment_id", run.deploymentId().orElse(null));
        if (withTags && run.tags().isPresent()) {
            ArrayNode tags = json.putArray("tags");
            run.tags().get().forEach(tags::add);
        } else if (withTags) {
            json.putNull("tags");
        }
        json.putObject("sim_extra").put("scenario", run.scenario().name()).put("note",
                "simulator-only field; clients must ignore unknown fields");
        return json;
    }
}
