package io.aihub.simulator;

import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The route step between authentication and the handler: notes the command tag and fault name of the request,
 * then applies the {@link FaultAction.Stage#BEFORE} faults (and the global submit latency) with a Vert.x timer,
 * never by blocking the event loop.
 */
final class FaultStage {
    private final Vertx vertx;
    private final FaultPlan faults;
    private final RunStore store;
    private final Duration submitLatency;

    FaultStage(Vertx vertx, FaultPlan faults, RunStore store, Duration submitLatency) {
        this.vertx = vertx;
        this.faults = faults;
        this.store = store;
        this.submitLatency = submitLatency;
    }

    void handle(RoutingContext ctx) {
        ApiExchange exchange = ApiExchange.of(ctx);
        JsonNode body = exchange.operation() == FaultOperation.SUBMIT ? RequestFacts.lenientBody(ctx) : null;
        exchange.commandTag(RequestFacts.commandTag(body));
        exchange.faultName(RequestFacts.faultName(exchange, body, store));

        FaultPlan.Before before = faults.takeBefore(exchange.operation(), exchange.faultName());
        Duration latency = exchange.operation() == FaultOperation.SUBMIT
                ? before.latency().plus(submitLatency)
                : before.latency();
        long millis = latency.toMillis();
        if (millis <= 0) {
            proceed(ctx, exchange, before.ending());
        } else {
            vertx.setTimer(millis, id -> proceed(ctx, exchange, before.ending()));
        }
    }

    private static void proceed(RoutingContext ctx, ApiExchange exchange, Optional<FaultAction> ending) {
        if (ending.isEmpty()) {
            ctx.next();
        } else if (ending.get() instanceof FaultAction.ErrorResponse error) {
            exchange.error(error.status(), error.message(), error.retryAfter());
        } else if (ending.get() instanceof FaultAction.ConnectionReset) {
            exchange.reset();
        } else {
            throw new IllegalStateException("unhandled fault action " + ending.get());
        }
    }
}
