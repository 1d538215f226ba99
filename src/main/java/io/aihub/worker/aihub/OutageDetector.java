package io.aihub.worker.aihub;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.config.WorkerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Tells when AI Hub is failing for most calls (design.md, guarantee 5): a sliding window over the outcomes of the
 * last calls; at least {@code min-failures} failures making at least {@code failure-ratio} of the window is an
 * outage. Failures are 5xx, 408, 425, timeouts and transport errors; any other answer (2xx, 404, 429...) shows the
 * service alive. During an outage intake pauses and retry clocks stop ({@link #awaitRecovery()}), and a cheap probe
 * runs every {@code probe-interval}; the first probe AI Hub answers ends the outage. A sliding-window detector rather
 * than SmallRye Fault Tolerance's circuit breaker: the breaker is bound to annotated methods and rejects calls,
 * while here waiting calls must be held and the probe is a different call.
 */
@ApplicationScoped
public class OutageDetector {

    private static final Logger LOG = Logger.getLogger(OutageDetector.class);

    private final Vertx vertx;
    private final boolean[] window;
    private final int minFailures;
    private final double failureRatio;
    private final long probeIntervalMs;
    private int next;
    private int recorded;
    private int failures;
    private long failingSince = -1;
    private volatile boolean outage;
    private long enteredAt;
    private CompletableFuture<Void> recovered = CompletableFuture.completedFuture(null);
    private volatile Supplier<Uni<?>> probe = () -> Uni.createFrom().voidItem();
    private long probeTimer = -1;
    private boolean closed;

    @Inject
    public OutageDetector(Vertx vertx, WorkerConfig config, MeterRegistry registry) {
        this(vertx, config.outage().window(), config.outage().minFailures(), config.outage().failureRatio(),
                config.outage().probeInterval().toMillis(), registry);
    }

    OutageDetector(Vertx vertx, int window, int minFailures, double failureRatio, long probeIntervalMs,
            MeterRegistry registry) {
        this.vertx = vertx;
        this.window = new boolean[Math.max(1, window)];
        this.minFailures = Math.max(1, Math.min(minFailures, this.window.length));
        this.failureRatio = failureRatio;
        this.probeIntervalMs = Math.max(1, probeIntervalMs);
        Gauge.builder("aihub.outage", this, d -> d.outage ? 1 : 0)
                .description("1 while AI Hub is taken to be in an outage (intake paused, retry clocks frozen)")
                .register(registry);
    }

    /** Sets the call that checks whether AI Hub answers again. */
    public void probeWith(Supplier<Uni<?>> call) {
        this.probe = call;
    }

    /** True when the failure counts against AI Hub's health (as opposed to an answer the service gave). */
    public static boolean isOutageFailure(Throwable failure) {
        if (notAnAnswer(failure)) {
            return false;
        }
        Throwable cause = FailureClassifier.unwrap(failure);
        if (cause instanceof AiHubHttpException http) {
            return http.status() >= 500 || http.status() == 408 || http.status() == 425;
        }
        return !(cause instanceof RateLimitRejectedException);
    }

    /** A call that never reached AI Hub says nothing about its health, whichever way it failed. */
    private static boolean notAnAnswer(Throwable failure) {
        Throwable cause = failure == null ? null : FailureClassifier.unwrap(failure);
        return failure instanceof RateLimitRejectedException || cause instanceof RateLimitRejectedException
                || cause instanceof NotSentException;
    }

    /**
     * Notes the outcome of one AI Hub call ({@code failure} null when it succeeded). During an outage any answer
     * the service gives (a 2xx, a 404, a 429: not a 5xx or a transport error) ends it at once.
     */
    public void record(Throwable failure) {
        if (failure != null && notAnAnswer(failure)) {
            return;
        }
        boolean failed = failure != null && isOutageFailure(failure);
        if (outage) {
            if (!failed) {
                recover();
            }
            return;
        }
        boolean entered = false;
        synchronized (this) {
            if (outage || closed) {
                return;
            }
            if (recorded == window.length && window[next]) {
                failures--;
            }
            window[next] = failed;
            next = (next + 1) % window.length;
            recorded = Math.min(window.length, recorded + 1);
            if (failed) {
                failures++;
                if (failingSince < 0) {
                    failingSince = System.currentTimeMillis();
                }
            } else {
                failingSince = -1;
            }
            if (failures >= minFailures && failures >= failureRatio * recorded) {
                entered = enter();
            }
        }
        if (entered) {
            LOG.warnf("AI Hub outage: %d of the last %d calls failed; intake paused, retry clocks frozen, probing every %d ms",
                    failures, recorded, probeIntervalMs);
            scheduleProbe();
        }
    }

    /**
     * Asked before a command gives up on {@code failure}: a 5xx or transport failure may be AI Hub's own, and a lone
     * command cannot fill the detector's window before its retries run out. So AI Hub is probed once: no answer
     * either, and the outage is declared now (true: wait for it to end, on a frozen retry clock); an answer, and the
     * failure was the command's own (false: give up).
     */
    public Uni<Boolean> outageBeforeGivingUp(Throwable failure) {
        if (outage) {
            return Uni.createFrom().item(true);
        }
        if (failure == null || notAnAnswer(failure) || !isOutageFailure(failure)) {
            return Uni.createFrom().item(false);
        }
        return Uni.createFrom().deferred(probe).map(answered -> false)
                .onFailure().recoverWithItem(probeFailure -> !notAnAnswer(probeFailure) && isOutageFailure(probeFailure))
                .invoke(down -> {
                    boolean entered;
                    synchronized (this) {
                        entered = down && !closed && enter();
                    }
                    if (entered) {
                        LOG.warnf("AI Hub outage: a command ran out of retries and the probe got no answer either; intake"
                                + " paused, retry clocks frozen, probing every %d ms", probeIntervalMs);
                        scheduleProbe();
                    }
                });
    }

    /** Enters an outage unless one is on; true when it entered. Holds the lock. */
    private boolean enter() {
        if (outage) {
            return false;
        }
        outage = true;
        enteredAt = System.currentTimeMillis();
        if (failingSince < 0) {
            failingSince = enteredAt;
        }
        recovered = new CompletableFuture<>();
        return true;
    }

    /** True during an outage. */
    public boolean inOutage() {
        return outage;
    }

    /**
     * Unix ms of the first failure of the current run of failures (the estimated start of the outage), or -1 when
     * the last call succeeded.
     */
    public synchronized long failingSince() {
        return failingSince;
    }

    /** Completes at once outside an outage, else when it ends. */
    public Uni<Void> awaitRecovery() {
        CompletableFuture<Void> current;
        synchronized (this) {
            current = recovered;
        }
        return current.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(current);
    }

    private void scheduleProbe() {
        synchronized (this) {
            if (closed || !outage) {
                return;
            }
            probeTimer = vertx.setTimer(probeIntervalMs, id -> runProbe());
        }
    }

    private void runProbe() {
        Uni.createFrom().deferred(probe).subscribe().with(ok -> recover(),
                failure -> {
                    if (isOutageFailure(failure) || notAnAnswer(failure)) {
                        scheduleProbe(); // still failing, or never sent: not an answer
                    } else {
                        recover(); // an answer, even an error, shows the service is back
                    }
                });
    }

    private void recover() {
        CompletableFuture<Void> done;
        long lasted;
        synchronized (this) {
            if (!outage) {
                return;
            }
            outage = false;
            failures = 0;
            recorded = 0;
            next = 0;
            failingSince = -1;
            Arrays.fill(window, false);
            done = recovered;
            lasted = System.currentTimeMillis() - enteredAt;
        }
        LOG.infof("AI Hub answers again after an outage of %d ms; intake resumes", lasted);
        done.complete(null);
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
        }
    }
}
