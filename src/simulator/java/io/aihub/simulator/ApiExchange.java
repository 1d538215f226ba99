package io.aihub.simulator;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * One API request on its way through the simulator: what the recording needs to know about it, and the only
 * ways to end it (answer, refuse, or close the connection), so every ending is recorded exactly once and
 * after-success faults are applied in one place.
 */
final class ApiExchange {
    private static final String KEY = ApiExchange.class.getName();
    /** A 2xx body cut short, so that it is not valid JSON. */
    private static final Buffer MALFORMED = Buffer.buffer("{\"id\": \"");

    private final RoutingContext ctx;
    private final FaultOperation operation;
    private final String route;
    private final Instant arrived;
    private final RequestRecorder recorder;
    private final FaultPlan faults;
    private String context;
    private Optional<String> faultName = Optional.empty();
    private Optional<String> commandTag = Optional.empty();
    private boolean recorded;

    private ApiExchange(RoutingContext ctx, FaultOperation operation, String route, Instant arrived,
            RequestRecorder recorder, FaultPlan faults) {
        this.ctx = ctx;
        this.operation = operation;
        this.route = route;
        this.arrived = arrived;
        this.recorder = recorder;
        this.faults = faults;
    }

    /** Starts the exchange of a request and makes sure whatever answers it (even the router) gets recorded. */
    static ApiExchange begin(RoutingContext ctx, FaultOperation operation, String route, Instant arrived,
            RequestRecorder recorder, FaultPlan faults) {
        ApiExchange exchange = new ApiExchange(ctx, operation, route, arrived, recorder, faults);
        ctx.put(KEY, exchange);
        ctx.addHeadersEndHandler(v -> exchange.record(ctx.response().getStatusCode()));
        return exchange;
    }

    static ApiExchange of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    RoutingContext ctx() {
        return ctx;
    }

    FaultOperation operation() {
        return operation;
    }

    /** The {@code IB-Context} the request was accepted under. */
    String context() {
        return context;
    }

    void context(String value) {
        context = value;
    }

    /** The app name, app ID or deployment ID fault rules match against. */
    Optional<String> faultName() {
        return faultName;
    }

    void faultName(Optional<String> value) {
        faultName = value;
    }

    void commandTag(Optional<String> value) {
        commandTag = value;
    }

    /** How List runs is to be shaped for this request by the active fault rules (uses up their counts). */
    FaultPlan.Listing listing() {
        return faults.takeListing(faultName);
    }

    /**
     * Answers with a JSON body; a 2xx answer may instead be dropped, mangled or turned into an error by an
     * after-success fault (the work is done either way).
     */
    void respond(int status, JsonNode body) {
        Optional<FaultAction> fault = status / 100 == 2
                ? faults.takeAfterSuccess(operation, faultName)
                : Optional.empty();
        if (fault.isPresent() && fault.get() instanceof FaultAction.DropResponse) {
            record(RecordedRequest.NO_RESPONSE);
            ConnectionCloser.close(ctx.request());
            return;
        }
        if (fault.isPresent() && fault.get() instanceof FaultAction.ErrorAfterSuccess late) {
            error(late.error().status(), late.error().message(), late.error().retryAfter());
            return;
        }
        Buffer payload = fault.isPresent() && fault.get() instanceof FaultAction.MalformedBody
                ? MALFORMED
                : SimJson.buffer(fault.isPresent() && fault.get() instanceof FaultAction.RunMessage message
                        && body instanceof ObjectNode run ? run.deepCopy().put("msg", message.msg()) : body);
        if (fault.isPresent() && fault.get() instanceof FaultAction.SlowResponse slow) {
            ctx.vertx().setTimer(Math.max(1, slow.delay().toMillis()), id -> {
                if (ctx.response().closed()) {
                    record(RecordedRequest.NO_RESPONSE);
                } else {
                    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .end(payload);
                }
            });
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(payload);
    }

    /** Answers {@code {"message": ...}} with an error status, optionally telling the client when to retry. */
    void error(int status, String message, Optional<String> retryAfter) {
        retryAfter.ifPresent(value -> ctx.response().putHeader(HttpHeaders.RETRY_AFTER, value));
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(SimJson.buffer(SimJson.message(message)));
    }

    void reject(Rejection rejection) {
        error(rejection.status(), rejection.getMessage(), Optional.empty());
    }

    /** Resets the connection without an answer, as a failing load balancer would. */
    void reset() {
        record(RecordedRequest.NO_RESPONSE);
        ConnectionCloser.reset(ctx.request());
    }

    private void record(int status) {
        if (recorded) {
            return;
        }
        recorded = true;
        String query = ctx.request().query();
        recorder.record(new RecordedRequest(arrived, ctx.request().method().name(), ctx.request().path(),
                query == null ? "" : query, route, status, commandTag,
                Optional.ofNullable(ctx.request().getHeader("traceparent")),
                Optional.ofNullable(ctx.request().getHeader(AccessGuard.CONTEXT_HEADER))));
    }
}
