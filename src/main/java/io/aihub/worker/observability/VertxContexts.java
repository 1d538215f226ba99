package io.aihub.worker.observability;

import java.time.Duration;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Keeps a command's work on the Vert.x context it began on, which carries the command's trace and log MDC: timers
 * and Kafka callbacks would otherwise resume it on threads of their own.
 */
public final class VertxContexts {

    private VertxContexts() {
    }

    /** Completes after {@code delay}, without a thread waiting, on the context the wait began on. */
    public static Uni<Void> delay(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        // Quarkus schedules Mutiny's delays on Vert.x timers, which refuse less than 1 ms (IllegalArgumentException):
        // a settle time that ends within the millisecond once ended a reconciliation OUTCOME_UNKNOWN.
        Duration atLeastOneMs = delay.toMillis() < 1 ? Duration.ofMillis(1) : delay;
        return resumeOnCaller(Uni.createFrom().voidItem().onItem().delayIt().by(atLeastOneMs));
    }

    /** {@code uni}, its outcome delivered on the Vert.x context current now (as it is when there is none). */
    public static <T> Uni<T> resumeOnCaller(Uni<T> uni) {
        Context caller = Vertx.currentContext();
        return caller == null ? uni : uni.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }
}
