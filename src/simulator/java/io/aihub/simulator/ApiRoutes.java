package io.aihub.simulator;

import java.util.Optional;
import java.util.function.Consumer;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Mounts the runs API under {@code /api/v2/apps}. Every route runs the same steps: start the exchange
 * (recording) and check credentials, read the body (POST only), apply before-faults, then the handler.
 * Credentials come first so an unauthenticated caller learns nothing, not even which paths exist.
 */
final class ApiRoutes {
    static final String BASE = "/api/v2/apps";
    /** Far above any real run request; only protects the simulator from runaway clients. */
    private static final long MAX_BODY_BYTES = 1024 * 1024;

    private final SimulatorSettings settings;
    private final RequestRecorder recorder;
    private final FaultPlan faults;
    private final AccessGuard guard;
    private final FaultStage faultStage;
    private final SubmitHandler submit;
    private final RunReadHandlers reads;

    ApiRoutes(SimulatorSettings settings, RunStore store, RequestRecorder recorder, FaultPlan faults,
            FaultStage faultStage) {
        this.settings = settings;
        this.recorder = recorder;
        this.faults = faults;
        this.guard = new AccessGuard(settings);
        this.faultStage = faultStage;
        this.submit = new SubmitHandler(store, new SubmitValidator(settings.strict()));
        this.reads = new RunReadHandlers(store, new ResultsPage(settings.resultsFiles(), settings.resultsPageSize()),
                settings.strict());
    }

    void mount(Router router) {
        endpoint(router, HttpMethod.POST, BASE + "/runs", "/runs", FaultOperation.SUBMIT, submit::runApp);
        endpoint(router, HttpMethod.POST, BASE + "/deployments/:deploymentId/runs",
                "/deployments/{deployment-id}/runs", FaultOperation.SUBMIT, submit::runDeployment);
        endpoint(router, HttpMethod.GET, BASE + "/runs", "/runs", FaultOperation.LIST, reads::list);
        endpoint(router, HttpMethod.GET, BASE + "/runs/:runId", "/runs/{run_id}", FaultOperation.STATUS,
                reads::status);
        endpoint(router, HttpMethod.GET, BASE + "/runs/:runId/results", "/runs/{run_id}/results",
                FaultOperation.RESULTS, reads::results);
        endpoint(router, HttpMethod.DELETE, BASE + "/runs/:runId", "/runs/{run_id}", FaultOperation.DELETE,
                reads::delete);
        router.route("/api/*")
                .handler(ctx -> begin(ctx, FaultOperation.ANY, ctx.request().method().name() + " (unmatched)"))
                .handler(ctx -> ApiExchange.of(ctx).error(404, "no such endpoint", Optional.empty()));
    }

    private void endpoint(Router router, HttpMethod method, String path, String template,
            FaultOperation operation, Consumer<ApiExchange> handler) {
        String route = method.name() + " " + BASE + template;
        // Vert.x wants body handlers first within a route, so credentials get a route of their own before it.
        router.route(method, path).handler(ctx -> begin(ctx, operation, route));
        Route chain = router.route(method, path);
        if (method == HttpMethod.POST) {
            chain.handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        }
        chain.handler(faultStage::handle).handler(ctx -> {
            ApiExchange exchange = ApiExchange.of(ctx);
            try {
                handler.accept(exchange);
            } catch (Rejection rejection) {
                exchange.reject(rejection);
            }
        });
    }

    private void begin(RoutingContext ctx, FaultOperation operation, String route) {
        ApiExchange exchange = ApiExchange.begin(ctx, operation, route, settings.clock().instant(), recorder,
                faults);
        try {
            exchange.context(guard.admit(ctx.request()));
        } catch (Rejection rejection) {
            exchange.reject(rejection);
            return;
        }
        ctx.next();
    }
}
