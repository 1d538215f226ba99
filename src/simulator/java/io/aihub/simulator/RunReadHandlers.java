package io.aihub.simulator;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.MultiMap;

/**
 * Get run status, Get run results, List runs and Delete run. A run is visible only under the
 * {@code IB-Context} it was created in; elsewhere it is a 404 like any unknown run. Results of a run that is not
 * COMPLETE repeat its status and hold no files (the results body carries a status for that reason). Delete run
 * honours its four {@code delete_*} flags (each true by default): the job IDs of what it deletes, and the run itself
 * is gone only with its database data.
 */
final class RunReadHandlers {
    private static final Set<String> RESULTS_PARAMS = Set.of("file_offset", "include_review_results",
            "include_confidence_scores", "include_validation_results", "include_source_info");
    private static final Set<String> DELETE_PARAMS = Set.of("delete_input", "delete_output", "delete_logs",
            "delete_db_data");

    private final RunStore store;
    private final ResultsPage results;
    private final boolean strict;

    RunReadHandlers(RunStore store, ResultsPage results, boolean strict) {
        this.store = store;
        this.results = results;
        this.strict = strict;
    }

    void status(ApiExchange exchange) {
        exchange.respond(200, RunJson.run(store.view(visibleRun(exchange))));
    }

    void results(ApiExchange exchange) {
        SimulatedRunView run = store.view(visibleRun(exchange));
        MultiMap params = exchange.ctx().queryParams();
        rejectUnknownInStrictMode(params, RESULTS_PARAMS);
        int fileOffset = fileOffset(params.get("file_offset"));
        boolean confidence = flag(params, "include_confidence_scores", false);
        flag(params, "include_review_results", false);
        flag(params, "include_validation_results", false);
        flag(params, "include_source_info", false);
        exchange.respond(200, results.build(run, fileOffset, confidence));
    }

    void list(ApiExchange exchange) {
        ListRunsQuery query = ListRunsQuery.parse(exchange.ctx().queryParams(), store.nowNanos() / 1_000_000_000L,
                strict);
        FaultPlan.Listing listing = exchange.listing();
        List<SimulatedRunView> runs = query.select(store.all(), exchange.context(), store, listing);
        runs.forEach(view -> store.find(view.id()).ifPresent(SimulatedRun::seen));
        ObjectNode body = SimJson.object();
        ArrayNode list = body.putArray("runs");
        runs.forEach(run -> list.add(RunJson.run(run, !listing.omitTags())));
        exchange.respond(200, body);
    }

    void delete(ApiExchange exchange) {
        SimulatedRun run = visibleRun(exchange);
        MultiMap params = exchange.ctx().queryParams();
        rejectUnknownInStrictMode(params, DELETE_PARAMS);
        boolean input = flag(params, "delete_input", true);
        boolean output = flag(params, "delete_output", true);
        boolean logs = flag(params, "delete_logs", true);
        if (flag(params, "delete_db_data", true)) {
            store.delete(run);
        }
        ObjectNode body = SimJson.object();
        body.put("delete_input_dir_job_id", input ? UUID.randomUUID().toString() : null);
        body.put("delete_output_dir_job_id", output ? UUID.randomUUID().toString() : null);
        body.put("delete_log_dir_job_id", logs ? UUID.randomUUID().toString() : null);
        exchange.respond(202, body);
    }

    private void rejectUnknownInStrictMode(MultiMap params, Set<String> known) {
        if (!strict) {
            return;
        }
        for (String name : params.names()) {
            if (!known.contains(name)) {
                throw Rejection.badRequest("unknown query parameter: " + name);
            }
        }
    }

    private SimulatedRun visibleRun(ApiExchange exchange) {
        return store.find(exchange.ctx().pathParam("runId"))
                .filter(run -> run.context.equals(exchange.context()))
                .map(run -> {
                    run.countCall();
                    return run;
                })
                .orElseThrow(() -> Rejection.notFound("run not found"));
    }

    private static int fileOffset(String raw) {
        if (raw == null) {
            return 0;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < 0) {
                throw Rejection.badRequest("file_offset must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw Rejection.badRequest("file_offset must be an integer");
        }
    }

    private static boolean flag(MultiMap params, String name, boolean fallback) {
        String raw = params.get(name);
        if (raw == null) {
            return fallback;
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw Rejection.badRequest(name + " must be true or false");
        }
        return lower.equals("true");
    }
}
