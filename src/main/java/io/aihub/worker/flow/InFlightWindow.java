package io.aihub.worker.flow;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.config.WorkerConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * A bounded number of commands in flight (and, inside {@link AcceptedRecords}, of records taken in): {@link #admit()}
 * completes when a slot is free. Written by hand because Mutiny has no asynchronous semaphore. Its waiters are bounded
 * by whoever admits: the accepted records waiting for a slot, and the commands coming back from backoff
 * ({@link BackoffSlots}, bounded by {@code worker.max-in-backoff}).
 */
@ApplicationScoped
public class InFlightWindow {

    private int limit;

    /** A caller waiting for a slot; cancelled when its subscriber went away before its turn. */
    private static final class Waiter {
        final UniEmitter<? super Void> emitter;
        volatile boolean cancelled;

        Waiter(UniEmitter<? super Void> emitter) {
            this.emitter = emitter;
        }
    }

    /**
     * Hand-overs queued on this thread while an outer one of this window completes its waiter (see {@link #handOver}).
     * One per window: a waiter queued by another window's loop would be released there, into the wrong window.
     */
    private final ThreadLocal<ArrayDeque<Waiter>> handOvers = new ThreadLocal<>();

    private final Queue<Waiter> waiters = new ArrayDeque<>();
    private int inFlight;
    private CompletableFuture<Void> idle;

    @Inject
    public InFlightWindow(WorkerConfig config) {
        this(config.maxInFlight());
    }

    public InFlightWindow(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("worker.max-in-flight must be at least 1");
        }
        this.limit = limit;
    }

    /** Takes a slot, now or when one is released. */
    public Uni<Void> admit() {
        return Uni.createFrom().emitter(emitter -> {
            Waiter waiter = null;
            synchronized (this) {
                if (inFlight < limit) {
                    inFlight++;
                } else {
                    waiter = new Waiter(emitter);
                    waiters.add(waiter);
                }
            }
            if (waiter == null) {
                emitter.complete(null);
            } else {
                // A waiter cancelled before its turn is skipped, so no slot is handed to nobody.
                Waiter queued = waiter;
                emitter.onTermination(() -> queued.cancelled = true);
            }
        });
    }

    /** Gives a slot back, to the next waiter if there is one. */
    public void release() {
        Waiter next;
        CompletableFuture<Void> becameIdle = null;
        synchronized (this) {
            // Past a narrowed limit the slot is not passed on: the window shrinks back as commands finish.
            next = inFlight <= limit ? nextWaiter() : null;
            if (next == null) {
                inFlight--;
                if (inFlight == 0 && idle != null) {
                    becameIdle = idle;
                    idle = null;
                }
            }
        }
        if (next != null) {
            handOver(next);
        }
        if (becameIdle != null) {
            becameIdle.complete(null);
        }
    }

    /** One slot more, until {@link #narrow()}: a waiter, if any, takes it at once. */
    public void widen() {
        Waiter next;
        synchronized (this) {
            limit++;
            next = inFlight < limit ? nextWaiter() : null;
            if (next != null) {
                inFlight++;
            }
        }
        if (next != null) {
            handOver(next);
        }
    }

    /** Takes back a slot {@link #widen()} gave; a command holding it keeps it until it finishes. */
    public synchronized void narrow() {
        limit--;
    }

    private Waiter nextWaiter() {
        Waiter next = waiters.poll();
        while (next != null && next.cancelled) {
            next = waiters.poll();
        }
        return next;
    }

    /**
     * Completes a waiter's admission. Its work may finish at once and release again, which would hand over to the
     * next waiter one stack frame deeper each time (thousands of instant duplicates overflowed the stack): a release
     * inside a hand-over on the same thread only queues its waiter, and the outermost one completes them in turn.
     */
    private void handOver(Waiter first) {
        ArrayDeque<Waiter> pending = handOvers.get();
        if (pending != null) {
            pending.add(first);
            return;
        }
        pending = new ArrayDeque<>();
        handOvers.set(pending);
        try {
            for (Waiter waiter = first; waiter != null; waiter = pending.poll()) {
                if (waiter.cancelled) {
                    release(); // its subscriber went away after it was chosen: the slot goes to the next one
                } else {
                    waiter.emitter.complete(null);
                }
            }
        } finally {
            handOvers.remove();
        }
    }

    /** Completes when no command is in flight (at once if none is). */
    public synchronized CompletableFuture<Void> whenIdle() {
        if (inFlight == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (idle == null) {
            idle = new CompletableFuture<>();
        }
        return idle;
    }

    /** Commands in flight now. */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** Callers waiting for a slot now. */
    public synchronized int waiting() {
        return (int) waiters.stream().filter(waiter -> !waiter.cancelled).count();
    }
}
