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
 * {@code IB-Context} it was created in; elsewhere it is a 404 like any unknown run. Results exist only for
 * COMPLETE runs: asking earlier (or for a FAILED or CANCELLED run) is a 409 Conflict, since the request is
 * well-formed but the run is not in a state that has results.
 */
final class RunReadHandlers {
    private static final Set<String> RESULTS_PARAMS = Set.of("file_offset", "include_review_results",
            "include_confidence_scores", "include_validation_results", "include_source_info");

    private final RunStore store;
    private final ResultsPage results;

    RunReadHandlers(RunStore store, ResultsPage results) {
        this.store = store;
        this.results = results;
    }

    void status(ApiExchange exchange) {
        exchange.respond(200, RunJson.run(store.view(visibleRun(exchange))));
    }

    void results(ApiExchange exchange) {
        SimulatedRunView run = store.view(visibleRun(exchange));
        MultiMap params = exchange.ctx().queryParams();
        for (String name : params.names()) {
            if (!RESULTS_PARAMS.contains(name)) {
                throw Rejection.badRequest("unknown query parameter: " + name);
            }
        }
        int fileOffset = fileOffset(params.get("file_offset"));
        boolean confidence = flag(params, "include_confidence_scores");
        flag(params, "include_review_results");
        flag(params, "include_validation_results");
        flag(params, "include_source_info");
        if (!Scenario.COMPLETE.equals(run.status())) {
            throw new Rejection(409, "results are available only for COMPLETE runs; this run is " + run.status());
        }
        exchange.respond(200, results.build(run, fileOffset, confidence));
    }

    void list(ApiExchange exchange) {
        ListRunsQuery query = ListRunsQuery.parse(exchange.ctx().queryParams(), store.nowNanos() / 1_000_000_000L);
        List<SimulatedRunView> runs = query.select(store.all(), exchange.context(), store, exchange.listing());
        ObjectNode body = SimJson.object();
        ArrayNode list = body.putArray("runs");
        runs.forEach(run -> list.add(RunJson.run(run)));
        exchange.respond(200, body);
    }

    void delete(ApiExchange exchange) {
        SimulatedRun run = visibleRun(exchange);
        store.delete(run);
        ObjectNode body = SimJson.object();
        body.putArray("job_ids").add(UUID.randomUUID().toString());
        exchange.respond(202, body);
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

    private static boolean flag(MultiMap params, String name) {
        String raw = params.get(name);
        if (raw == null) {
            return false;
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw Rejection.badRequest(name + " must be true or false");
        }
        return lower.equals("true");
    }
}
