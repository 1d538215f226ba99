package io.aihub.simulator;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A simulator of the AI Hub runs API ({@code aihub-api.md}) on a plain Vert.x HTTP server, so tests can use it
 * without Quarkus and it can misbehave at the connection level. Runs follow the {@link Scenario} their name
 * selects; every API request is recorded; {@link #faults()} injects failures. Not for production use: it keeps
 * everything in memory.
 */
public final class SimulatorServer {
    private static final Logger LOG = Logger.getLogger(SimulatorServer.class);

    private final Vertx vertx;
    private final SimulatorSettings settings;
    private final RunStore store;
    private final RequestRecorder recorder;
    private final FaultPlan faults = new FaultPlan();
    private volatile HttpServer server;

    public SimulatorServer(Vertx vertx, SimulatorSettings settings) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = new RunStore(settings);
        this.recorder = new RequestRecorder(settings.maxRecordedRequests());
    }

    /** Binds the server; {@code port} 0 picks a free port. Completes with the bound port. */
    public Future<Integer> start(String host, int port) {
        if (server != null) {
            return Future.failedFuture(new IllegalStateException("simulator already started"));
        }
        Router router = Router.router(vertx);
        new AdminRoutes(settings.adminToken(), store, recorder, faults, settings.clock()).mount(router);
        new ApiRoutes(settings, store, recorder, faults, new FaultStage(vertx, faults, store, settings.submitLatency()))
                .mount(router);
        router.route().last().handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(SimJson.buffer(SimJson.message("no such endpoint"))));
        router.errorHandler(413, ctx -> failWith(ctx, 413, "request body too large"));
        router.errorHandler(500, ctx -> {
            LOG.warn("simulator handler failed", ctx.failure());
            failWith(ctx, 500, "internal simulator error");
        });
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(router)
                .listen()
                .map(bound -> {
                    server = bound;
                    return bound.actualPort();
                });
    }

    /** Closes the server; runs and recordings stay readable. */
    public Future<Void> stop() {
        HttpServer running = server;
        server = null;
        return running == null ? Future.succeededFuture() : running.close();
    }

    /** The bound port; fails when the server is not started. */
    public int port() {
        HttpServer running = server;
        if (running == null) {
            throw new IllegalStateException("simulator not started");
        }
        return running.actualPort();
    }

    public SimulatorSettings settings() {
        return settings;
    }

    /**
     * Sets how long each status phase lasts for runs created from now on (runs already created keep theirs), so
     * that tests needing slower runs can share one simulator with the others.
     */
    public void phaseDuration(Duration phase) {
        store.phaseDuration(phase);
    }

    /** The active fault rules; add to it to make the next requests misbehave. */
    public FaultPlan faults() {
        return faults;
    }

    /** The recorded API requests, oldest first (at most {@code maxRecordedRequests}). */
    public List<RecordedRequest> requests() {
        return recorder.recent();
    }

    /** Exact count of API requests since start or {@link #reset()}, never dropped. */
    public long totalRequests() {
        return recorder.total();
    }

    /** Exact request counts by route template, e.g. {@code "POST /api/v2/apps/runs" -> 3}. */
    public Map<String, Long> requestCountsByRoute() {
        return recorder.countsByRoute();
    }

    /**
     * Counts the kept recorded requests with this method whose path starts with {@code pathPrefix}; exact while
     * fewer than {@code maxRecordedRequests} requests were made (see {@link #requestCountsByRoute()} beyond).
     */
    public long countRequests(String method, String pathPrefix) {
        return recorder.recent().stream()
                .filter(request -> request.method().equalsIgnoreCase(method) && request.path().startsWith(pathPrefix))
                .count();
    }

    /** Exact number of runs created since start or {@link #reset()}, deleted ones included. */
    public long runsCreated() {
        return store.runsCreated();
    }

    /** Exact number of runs created whose tags contain {@code tag}: submissions per command ID. */
    public long runsCreatedWithTag(String tag) {
        return store.createdWithTag(tag);
    }

    /** The existing (not deleted) runs carrying {@code tag}, oldest first. */
    public List<SimulatedRunView> runsWithTag(String tag) {
        return store.all().filter(run -> run.hasTag(tag)).map(store::view)
                .sorted(Comparator.comparingLong(SimulatedRunView::startTimestamp)).toList();
    }

    /** The run as the API would report it now, if it exists. */
    public Optional<SimulatedRunView> run(String id) {
        return store.find(id).map(store::view);
    }

    /** Forgets all runs, recordings, counters and fault rules. */
    public void reset() {
        store.clear();
        recorder.clear();
        faults.clear();
    }

    private static void failWith(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(SimJson.buffer(SimJson.message(message)));
    }
}
