package io.aihub.worker.flow;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.config.WorkerConfig;
import io.smallrye.mutiny.Uni;

/**
 * The records intake has taken and not finished yet: in flight, waiting for their key, ID or a slot, or in backoff.
 * Besides those in backoff ({@link BackoffSlots} widens it for each), at most twice the in-flight window: enough
 * waiting that a slot never idles, and no more, since a record that waits longer is kept in memory past a young GC.
 */
@ApplicationScoped
public class AcceptedRecords {

    private final InFlightWindow window;

    @Inject
    public AcceptedRecords(WorkerConfig config) {
        this(2 * config.maxInFlight());
    }

    public AcceptedRecords(int limit) {
        this.window = new InFlightWindow(limit);
    }

    /** Completes once the record is accepted. */
    public Uni<Void> admit() {
        return window.admit();
    }

    /** An accepted record is done. */
    public void release() {
        window.release();
    }

    void widen() {
        window.widen();
    }

    void narrow() {
        window.narrow();
    }

    /** Records accepted and not done now. */
    public int inFlight() {
        return window.inFlight();
    }

    /** Completes when no accepted record is left. */
    public CompletableFuture<Void> whenIdle() {
        return window.whenIdle();
    }
}
