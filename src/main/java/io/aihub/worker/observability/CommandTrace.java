package io.aihub.worker.observability;

import java.util.Map;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;

/**
 * The trace a command runs under, carried where Vert.x and Mutiny do not carry it by themselves: from the tracker's
 * timers (long after the command record was consumed), through the ledger (as a W3C {@code traceparent} string, so
 * the events a restore publishes still belong to the command's trace) and across backoff waits.
 * <p>
 * Quarkus keeps the current OpenTelemetry context in the local data of the Vert.x <em>duplicated</em> context, and
 * its REST client and SmallRye's Kafka connector read it from there; so running a step of a command on a fresh
 * duplicated context with the command's trace made current is enough for the AI Hub calls and the events of that
 * step to join the trace, whatever thread the step began on.
 */
public final class CommandTrace {

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private CommandTrace() {
    }

    /** The current trace as a W3C {@code traceparent} value, or null when there is none. */
    public static String currentTraceparent() {
        return traceparent(Context.current());
    }

    /** The trace of {@code context} as a W3C {@code traceparent} value, or null when it has none. */
    public static String traceparent(Context context) {
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The context a stored {@code traceparent} names (the root context when it is null or malformed). */
    public static Context fromTraceparent(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of("traceparent", traceparent),
                MAP_GETTER);
    }

    /**
     * The trace to resume a run in after a restore: the one its ledger record names, or — for a record written before
     * the ledger kept traces — a new trace, begun by a short span of its own, so the run's later events share one.
     */
    public static Context forResumedRun(String traceparent, String commandId) {
        Context stored = fromTraceparent(traceparent);
        if (Span.fromContext(stored).getSpanContext().isValid()) {
            return stored;
        }
        Span resumed = GlobalOpenTelemetry.getTracer("aihub-run-worker")
                .spanBuilder("resume tracking").setNoParent().setAttribute("aihub.command_id", commandId).startSpan();
        resumed.end();
        return Context.root().with(resumed);
    }

    /**
     * Runs {@code step} on a new duplicated Vert.x context in which {@code trace} is the current OpenTelemetry
     * context. The duplicated context lives as long as the step's callbacks, so the trace is not detached when the
     * synchronous part returns: the step's asynchronous continuations (HTTP responses, broker acknowledgements) run on
     * the same duplicated context and still see it.
     */
    public static void runIn(Vertx vertx, Context trace, Runnable step) {
        io.vertx.core.Context duplicate = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        duplicate.runOnContext(ignored -> {
            trace.makeCurrent(); // detached with the duplicated context itself; see above
            step.run();
        });
    }
}
