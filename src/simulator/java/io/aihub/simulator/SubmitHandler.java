package io.aihub.simulator;

import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Run app ({@code POST /api/v2/apps/runs}, 200) and Run deployment
 * ({@code POST /api/v2/apps/deployments/{deployment-id}/runs}, 202). Checks run in the service's order: body
 * rules (400), app or deployment exists (404; names starting with {@code missing} do not), then the run is created
 * in the caller's context. Folders are not checked against the context: the API states no rule for their form.
 */
final class SubmitHandler {
    private final RunStore store;
    private final SubmitValidator validator;

    SubmitHandler(RunStore store, SubmitValidator validator) {
        this.store = store;
        this.validator = validator;
    }

    void runApp(ApiExchange exchange) {
        ObjectNode body = SimJson.parseObject(exchange.ctx().body().buffer());
        SubmitRequest request = validator.appRun(body);
        if (isMissing(request.appName()) || isMissing(request.appId())) {
            throw Rejection.notFound("app not found");
        }
        create(exchange, request, 200);
    }

    void runDeployment(ApiExchange exchange) {
        String deploymentId = exchange.ctx().pathParam("deploymentId");
        ObjectNode body = SimJson.parseObject(exchange.ctx().body().buffer());
        SubmitRequest request = validator.deploymentRun(deploymentId, body);
        if (isMissing(deploymentId)) {
            throw Rejection.notFound("deployment not found");
        }
        create(exchange, request, 202);
    }

    private void create(ApiExchange exchange, SubmitRequest request, int status) {
        SimulatedRun run = store.create(exchange.context(), request);
        run.countCall();
        exchange.respond(status, RunJson.run(store.view(run)));
    }

    private static boolean isMissing(String name) {
        return name != null && name.toLowerCase(Locale.ROOT).startsWith("missing");
    }
}
