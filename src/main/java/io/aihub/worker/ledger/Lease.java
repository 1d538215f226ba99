package io.aihub.worker.ledger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.smallrye.mutiny.Uni;

/**
 * This replica's ownership of one commands partition under one assignment (its epoch). Work begun under a lease
 * acts — POSTs, ledger writes, events, acknowledgements — only while the lease is valid; a partition revoked and
 * assigned again gets a new lease, so work of the earlier assignment can tell it is stale. Created and ended only
 * by {@link PartitionOwnership}.
 */
public final class Lease implements SubmissionGuard {

    /** Where the lease stands. */
    enum Phase {
        /** Assigned; its ledger partition is being read. */
        RESTORING,
        /** Restored: the partition's commands are processed. */
        ACTIVE,
        /** Being revoked: no new POST; what is under way finishes or stops. */
        REVOKING,
        /** Revoked or lost: nothing may act under it any more. */
        ENDED
    }

    private final int partition;
    private final long epoch;
    private final CompletableFuture<Void> restored = new CompletableFuture<>();
    private volatile Phase phase = Phase.RESTORING;
    private int postsOnWire;

    Lease(int partition, long epoch) {
        this.partition = partition;
        this.epoch = epoch;
    }

    /** The commands (and ledger) partition. */
    public int partition() {
        return partition;
    }

    /** The assignment this lease belongs to; a later assignment of the same partition has a higher epoch. */
    public long epoch() {
        return epoch;
    }

    /** True while the partition stays assigned under this lease (restoring, active or being revoked). */
    public boolean isValid() {
        return phase != Phase.ENDED;
    }

    /** True while the partition's ledger is being restored. */
    public boolean isRestoring() {
        return phase == Phase.RESTORING;
    }

    /** Completes when the ledger partition is restored, or at once when the lease has ended. */
    public Uni<Void> awaitRestored() {
        return restored.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(restored);
    }

    @Override
    public boolean mayPost() {
        return phase == Phase.ACTIVE;
    }

    @Override
    public synchronized void postStarted() {
        postsOnWire++;
    }

    @Override
    public synchronized void postEnded() {
        postsOnWire--;
        notifyAll();
    }

    /**
     * Waits, until {@code deadline} (a {@link System#nanoTime()} value), for the POSTs already sent under this
     * lease to be answered. Blocking: the revocation runs on the consumer's polling thread, bounded by the request
     * timeout.
     */
    synchronized void awaitPostsOnWire(long deadline) throws InterruptedException {
        long left;
        while (postsOnWire > 0 && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    void activate() {
        if (phase == Phase.RESTORING) {
            phase = Phase.ACTIVE;
        }
        restored.complete(null);
    }

    void revoking() {
        if (phase != Phase.ENDED) {
            phase = Phase.REVOKING;
        }
    }

    void end() {
        phase = Phase.ENDED;
        restored.complete(null);
    }

    @Override
    public String toString() {
        return "lease of partition " + partition + " (epoch " + epoch + ", " + phase + ")";
    }

    /** How long a revocation waits for POSTs on the wire at most. */
    static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }
}
