package io.aihub.worker.aihub;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.config.WorkerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;

/**
 * The one token bucket every AI Hub call of this replica passes (design.md, guarantee 6). Calls wait
 * asynchronously: a waiter is a {@link Uni} completed from a Vert.x timer when its token is due, never a blocked
 * thread, and the queue of waiters is bounded. Submissions and reconciliation searches are served first; while both
 * kinds wait, every {@code n}th token goes to a poll or list so that polls never starve. A 429 multiplies the rate by
 * the decrease factor (at most once per recovery interval), and the rate then grows back additively (AIMD).
 * <p>
 * Besides the bucket, a call is granted only when the grant {@code requests-per-second} grants ago is more than
 * 1.2 s old, so no 1-second window at AI Hub holds more calls than configured, whatever the burst. Hand-written:
 * Bucket4j's asynchronous API has no priorities or AIMD, and Fault Tolerance's {@code @RateLimit} rejects calls
 * instead of queueing them.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);
    // The window is wider than a second: requests granted a second apart can arrive closer together (connection
    // set-up, a busy server event loop, GC pauses), and the limit must hold where AI Hub counts, at arrival.
    private static final long WINDOW_NANOS = Duration.ofMillis(1200).toNanos();

    /** The limiter's settings. */
    record Settings(double requestsPerSecond, int burst, double pollMinShare, double decreaseFactor,
            double minRequestsPerSecond, double recoveryStep, Duration recoveryInterval, int maxWaiting) {

        static Settings of(WorkerConfig.RateLimit config) {
            return new Settings(config.requestsPerSecond(), config.burst(), config.pollMinShare(),
                    config.decreaseFactor(), config.minRequestsPerSecond(), config.recoveryStep(),
                    config.recoveryInterval(), config.maxWaiting());
        }
    }

    private static final class Waiter {
        final UniEmitter<? super Long> emitter;
        final CallKind kind;
        final BooleanSupplier wanted;
        final long since;
        volatile boolean cancelled;

        Waiter(UniEmitter<? super Long> emitter, CallKind kind, BooleanSupplier wanted, long since) {
            this.emitter = emitter;
            this.kind = kind;
            this.wanted = wanted;
            this.since = since;
        }

        /** Cancelled by its subscriber, or no longer wanted (its partition moved): dropped without a token. */
        boolean gone() {
            return cancelled || !wanted.getAsBoolean();
        }
    }

    private static final BooleanSupplier ALWAYS = () -> true;

    private final Vertx vertx;
    private final double maxRate;
    private final double minRate;
    private final double burst;
    private final double decreaseFactor;
    private final double recoveryStep;
    private final long recoveryNanos;
    private final int maxWaiting;
    private final int priorityPerPoll;
    private final long[] grants;
    private final Map<CallKind, Timer> waits = new EnumMap<>(CallKind.class);

    /** The outage probe's own lane, served before everything: an outage must end as soon as AI Hub answers. */
    private final ArrayDeque<Waiter> probes = new ArrayDeque<>();
    private final ArrayDeque<Waiter> priority = new ArrayDeque<>();
    /** Bulk listings: every other grant of the share kept for polls while both wait (a page stands for many polls). */
    private final ArrayDeque<Waiter> lists = new ArrayDeque<>();
    private final ArrayDeque<Waiter> others = new ArrayDeque<>();
    private double rate;
    private double tokens;
    private long refilledAt;
    private long rateChangedAt;
    private long lastDecreaseAt;
    private int nextGrant;
    private int priorityInARow;
    private boolean listsTurn = true;
    private long timerId = -1;
    private boolean closed;

    @Inject
    public RateLimiter(Vertx vertx, WorkerConfig config, MeterRegistry registry) {
        this(vertx, Settings.of(config.rateLimit()), registry);
    }

    RateLimiter(Vertx vertx, Settings settings, MeterRegistry registry) {
        if (!(settings.requestsPerSecond() > 0)) {
            throw new IllegalArgumentException("worker.rate-limit.requests-per-second must be above 0");
        }
        this.vertx = vertx;
        this.maxRate = settings.requestsPerSecond();
        this.minRate = Math.min(maxRate, Math.max(0.01, settings.minRequestsPerSecond()));
        this.burst = Math.max(1, settings.burst());
        this.decreaseFactor = Math.min(1.0, Math.max(0.01, settings.decreaseFactor()));
        this.recoveryStep = Math.max(0.01, settings.recoveryStep());
        this.recoveryNanos = Math.max(1, settings.recoveryInterval().toNanos());
        this.maxWaiting = Math.max(1, settings.maxWaiting());
        double share = Math.min(1.0, Math.max(0.01, settings.pollMinShare()));
        this.priorityPerPoll = (int) Math.max(0, Math.round((1 - share) / share));
        this.grants = new long[(int) Math.max(1, Math.floor(maxRate))];
        this.rate = maxRate;
        this.tokens = burst;
        long now = System.nanoTime();
        this.refilledAt = now;
        this.rateChangedAt = now;
        this.lastDecreaseAt = now - recoveryNanos;
        Arrays.fill(grants, now - WINDOW_NANOS);
        for (CallKind kind : CallKind.values()) {
            waits.put(kind, Timer.builder("aihub.rate.limit.wait")
                    .description("Time AI Hub calls waited for the rate limiter, by kind of call")
                    .tag("kind", kind.tag())
                    .register(registry));
        }
        // The unit spelled out in the name (aihub_rate_limit_requests_per_second), as Prometheus' naming asks.
        Gauge.builder("aihub.rate.limit.requests.per.second", this, RateLimiter::currentRate)
                .description("Calls per second the rate limiter allows now (lower after a 429)")
                .register(registry);
    }

    /** {@link #acquire(CallKind, BooleanSupplier)} for a call that stays wanted. */
    public Uni<Long> acquire(CallKind kind) {
        return acquire(kind, ALWAYS);
    }

    /**
     * Completes, with the {@link System#nanoTime()} of the grant, when the call may be sent; fails with
     * {@link RateLimitRejectedException} when too many wait, and with {@link NotSentException} when
     * {@code wanted} turns false while it waits (it then takes no token). The probe is never refused.
     */
    public Uni<Long> acquire(CallKind kind, BooleanSupplier wanted) {
        return Uni.createFrom().emitter(emitter -> {
            long now = System.nanoTime();
            boolean granted = false;
            Waiter waiter = null;
            synchronized (this) {
                if (waitingNow() == 0 && tryTake(now)) {
                    granted = true;
                } else if (kind == CallKind.PROBE || waitingNow() < maxWaiting) {
                    waiter = new Waiter(emitter, kind, wanted, now);
                    laneOf(kind).add(waiter);
                    armTimer(now);
                }
            }
            if (granted) {
                waits.get(kind).record(0, TimeUnit.NANOSECONDS);
                emitter.complete(now);
            } else if (waiter == null) {
                emitter.fail(new RateLimitRejectedException(maxWaiting));
            } else {
                Waiter queued = waiter;
                emitter.onTermination(() -> queued.cancelled = true);
            }
        });
    }

    /**
     * AI Hub answered 429 to a call granted at {@code grantedAtNanos}: the rate drops by the decrease factor, once per
     * burst — only for calls granted at the current rate (after the last decrease), and at most once per recovery
     * interval. The 429s of calls granted before a decrease were answered to the rate that decrease already cut.
     */
    public void throttled(long grantedAtNanos) {
        synchronized (this) {
            long now = System.nanoTime();
            refill(now);
            if (grantedAtNanos < lastDecreaseAt || now - lastDecreaseAt < recoveryNanos) {
                return;
            }
            double before = rate;
            rate = Math.max(minRate, rate * decreaseFactor);
            lastDecreaseAt = now;
            rateChangedAt = now;
            LOG.infof("AI Hub answered 429: rate limit lowered from %.1f to %.1f calls/s", before, rate);
        }
    }

    /** Drops, at once, the waiting calls nobody wants any more (their partition was revoked). */
    public void dropUnwanted() {
        List<Waiter> dropped = new ArrayList<>();
        synchronized (this) {
            for (ArrayDeque<Waiter> lane : List.of(probes, priority, lists, others)) {
                lane.removeIf(waiter -> {
                    if (waiter.gone()) {
                        dropped.add(waiter);
                        return true;
                    }
                    return false;
                });
            }
        }
        dropped.forEach(RateLimiter::refuse);
    }

    /** The calls per second allowed now. */
    public synchronized double currentRate() {
        refill(System.nanoTime());
        return rate;
    }

    /** Calls waiting for a token now. */
    public synchronized int waiting() {
        return waitingNow();
    }

    private int waitingNow() {
        return probes.size() + priority.size() + lists.size() + others.size();
    }

    private ArrayDeque<Waiter> laneOf(CallKind kind) {
        if (kind == CallKind.PROBE) {
            return probes;
        }
        return kind == CallKind.LIST ? lists : kind.priority() ? priority : others;
    }

    private static void refuse(Waiter waiter) {
        if (!waiter.cancelled) {
            waiter.emitter.fail(new NotSentException("its partition moved while it waited for the rate limiter"));
        }
    }

    private void onTimer() {
        List<Waiter> ready = new ArrayList<>();
        List<Waiter> dropped = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (this) {
            timerId = -1;
            if (closed) {
                return;
            }
            dropGone(dropped);
            while (waitingNow() > 0 && tryTake(now)) {
                ready.add(next());
                dropGone(dropped);
            }
            if (waitingNow() > 0) {
                armTimer(now);
            }
        }
        dropped.forEach(RateLimiter::refuse);
        for (Waiter waiter : ready) {
            waits.get(waiter.kind).record(now - waiter.since, TimeUnit.NANOSECONDS);
            waiter.emitter.complete(now);
        }
    }

    private void dropGone(List<Waiter> dropped) {
        for (ArrayDeque<Waiter> lane : List.of(probes, priority, lists, others)) {
            while (!lane.isEmpty() && lane.peek().gone()) {
                dropped.add(lane.poll());
            }
        }
    }

    /**
     * The next waiter: a probe, else priority, but after every {@code priorityPerPoll} priority grants one of the
     * shared share: a list and a poll (or result, delete) in turn while both wait.
     */
    private Waiter next() {
        if (!probes.isEmpty()) {
            return probes.poll();
        }
        boolean shared = !lists.isEmpty() || !others.isEmpty();
        if (shared && (priority.isEmpty() || priorityInARow >= priorityPerPoll)) {
            priorityInARow = 0;
            // A pass asks for its next page as soon as one is answered: without turns it could take every grant.
            boolean list = others.isEmpty() || (!lists.isEmpty() && listsTurn);
            listsTurn = !list;
            return list ? lists.poll() : others.poll();
        }
        if (shared) {
            priorityInARow++;
        }
        return priority.poll();
    }

    private boolean tryTake(long now) {
        refill(now);
        if (tokens < 1 || now - grants[nextGrant] < WINDOW_NANOS) {
            return false;
        }
        tokens -= 1;
        grants[nextGrant] = now;
        nextGrant = (nextGrant + 1) % grants.length;
        return true;
    }

    private void refill(long now) {
        if (rate < maxRate && now - rateChangedAt >= recoveryNanos) {
            long steps = (now - rateChangedAt) / recoveryNanos;
            rate = Math.min(maxRate, rate + steps * recoveryStep);
            rateChangedAt += steps * recoveryNanos;
        }
        tokens = Math.min(burst, tokens + (now - refilledAt) * rate / 1e9);
        refilledAt = now;
    }

    private void armTimer(long now) {
        if (timerId >= 0 || closed) {
            return;
        }
        long tokenWait = tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / rate * 1e9);
        long windowWait = grants[nextGrant] + WINDOW_NANOS - now;
        long waitMs = Math.max(1, (long) Math.ceil(Math.max(tokenWait, windowWait) / 1e6));
        timerId = vertx.setTimer(waitMs, id -> onTimer());
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }
}
