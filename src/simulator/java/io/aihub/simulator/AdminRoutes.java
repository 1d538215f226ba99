package io.aihub.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The {@code /_sim} routes that let other processes (the local run, benchmarks) read the recording and set
 * faults. They need {@code X-Sim-Admin-Token} equal to the admin token (compared in constant time) and answer
 * 404 when no admin token is configured, so a simulator left on cannot be steered by strangers. Admin requests
 * are not recorded: they are not AI Hub traffic.
 */
final class AdminRoutes {
    static final String TOKEN_HEADER = "X-Sim-Admin-Token";

    private final Optional<byte[]> adminToken;
    private final RunStore store;
    private final RequestRecorder recorder;
    private final FaultPlan faults;
    private final Clock clock;

    AdminRoutes(Optional<String> adminToken, RunStore store, RequestRecorder recorder, FaultPlan faults,
            Clock clock) {
        this.adminToken = adminToken.map(token -> token.getBytes(StandardCharsets.UTF_8));
        this.store = store;
        this.recorder = recorder;
        this.faults = faults;
        this.clock = clock;
    }

    void mount(Router router) {
        router.route("/_sim/*").handler(this::guard);
        router.get("/_sim/requests/summary").handler(this::summary);
        router.get("/_sim/runs/by-tag/:tag").handler(this::runsByTag);
        router.get("/_sim/stats").handler(ctx -> send(ctx, 200, SimulatorStats.stats(store, recorder)));
        router.get("/_sim/runs/created").handler(ctx -> SimulatorStats.writeCreatedRuns(store, ctx.response()));
        router.post("/_sim/reset").handler(ctx -> {
            store.clear();
            recorder.clear();
            faults.clear();
            ctx.response().setStatusCode(204).end();
        });
        router.post("/_sim/faults").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::addFaults);
        router.delete("/_sim/faults").handler(ctx -> {
            faults.clear();
            ctx.response().setStatusCode(204).end();
        });
        router.route("/_sim/*").handler(ctx -> send(ctx, 404, SimJson.message("no such endpoint")));
    }

    private void guard(RoutingContext ctx) {
        if (adminToken.isEmpty()) {
            send(ctx, 404, SimJson.message("no such endpoint"));
            return;
        }
        String given = ctx.request().getHeader(TOKEN_HEADER);
        if (given == null || !MessageDigest.isEqual(adminToken.get(), given.getBytes(StandardCharsets.UTF_8))) {
            send(ctx, 401, SimJson.message("missing or invalid " + TOKEN_HEADER));
            return;
        }
        ctx.next();
    }

    private void summary(RoutingContext ctx) {
        ObjectNode body = SimJson.object();
        body.put("total_requests", recorder.total());
        ObjectNode byRoute = body.putObject("requests");
        recorder.countsByRoute().forEach(byRoute::put);
        body.put("runs_created", store.runsCreated());
        ObjectNode duplicates = body.putObject("duplicates");
        store.duplicatedTags(RecordedRequest.COMMAND_TAG_PREFIX).forEach(duplicates::put);
        body.put("duplicate_count", duplicates.size());
        send(ctx, 200, body);
    }

    private void runsByTag(RoutingContext ctx) {
        String tag = ctx.pathParam("tag");
        List<SimulatedRunView> runs = store.all().filter(run -> run.hasTag(tag)).map(store::view)
                .sorted(Comparator.comparingLong(SimulatedRunView::startTimestamp)).toList();
        ObjectNode body = SimJson.object();
        body.put("tag", tag);
        body.put("runs_created", store.createdWithTag(tag));
        ArrayNode list = body.putArray("runs");
        runs.forEach(run -> list.add(RunJson.run(run)));
        send(ctx, 200, body);
    }

    private void addFaults(RoutingContext ctx) {
        try {
            JsonNode json = SimJson.MAPPER.readTree(ctx.body().buffer() == null ? new byte[0]
                    : ctx.body().buffer().getBytes());
            if (json == null) {
                throw Rejection.badRequest("body must be a fault rule or an array of them");
            }
            FaultRuleJson.parse(json, clock).forEach(faults::add);
            send(ctx, 201, SimJson.object().put("active_rules", faults.rules().size()));
        } catch (Rejection rejection) {
            send(ctx, rejection.status(), SimJson.message(rejection.getMessage()));
        } catch (IOException e) {
            send(ctx, 400, SimJson.message("body must be JSON"));
        }
    }

    private static void send(RoutingContext ctx, int status, JsonNode body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(SimJson.buffer(body));
    }
}
