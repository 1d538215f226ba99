package io.aihub.worker.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * This replica's ownership of one commands partition under one assignment (its epoch). Work begun under a lease
 * acts — POSTs, ledger writes, events, acknowledgements — only through it: {@link #permit()} immediately before
 * acting, {@link #write} for writes a revocation must wait for, {@link SubmissionGuard} for POSTs on the wire. A
 * partition revoked and assigned again gets a new lease, so work of the earlier assignment can tell it is stale.
 * Created and ended only by {@link PartitionOwnership}.
 */
public final class Lease implements SubmissionGuard {

    /** Where the lease stands; it only moves forward. */
    enum Phase {
        /** Assigned; its ledger partition is being read. */
        RESTORING,
        /** Restored: the partition's commands are processed. */
        ACTIVE,
        /** Being revoked: no new POST; tracker steps and writes under way finish. */
        REVOKING,
        /** Revoked: nothing new may act; writes already sent are awaited before the partition is handed over. */
        FENCED,
        /** Handed over, revoked or lost: nothing may act under it any more. */
        ENDED
    }

    private final int partition;
    private final long epoch;
    private final PartitionOwnership ownership;
    private final CompletableFuture<Void> restored = new CompletableFuture<>();
    private volatile Phase phase = Phase.RESTORING;
    private int postsOnWire;
    private int writesInFlight;

    Lease(int partition, long epoch, PartitionOwnership ownership) {
        this.partition = partition;
        this.epoch = epoch;
        this.ownership = ownership;
    }

    /** The commands (and ledger) partition. */
    public int partition() {
        return partition;
    }

    /** The assignment this lease belongs to; a later assignment of the same partition has a higher epoch. */
    public long epoch() {
        return epoch;
    }

    /** True until the lease is fenced: the partition stays assigned under it and new work may begin. */
    public boolean isValid() {
        return phase.compareTo(Phase.REVOKING) <= 0;
    }

    /** True while the partition's ledger is being restored. */
    public boolean isRestoring() {
        return phase == Phase.RESTORING;
    }

    /** Completes when the ledger partition is restored, or at once when the lease has ended. */
    public Uni<Void> awaitRestored() {
        return restored.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(restored);
    }

    /**
     * Asked immediately before acting for the partition: true while the lease is valid and this replica's group
     * membership is fresh; after a pause of the JVM (a long GC, SIGSTOP) it completes only once the group has
     * confirmed the membership (true) or the lease has ended (false).
     */
    public Uni<Boolean> permit() {
        return ownership.permit(this);
    }

    /**
     * Runs {@code write} (a ledger record, an event) under the lease: only once permitted, else it fails with
     * {@link LeaseEndedException}; a revocation waits for writes under way before the partition is handed over.
     */
    public <T> Uni<T> write(Supplier<Uni<T>> write) {
        return permit().chain(permitted -> {
            if (!permitted || !beginWrite()) {
                return Uni.createFrom().failure(new LeaseEndedException(this));
            }
            return Uni.createFrom().<T> deferred(write::get).onTermination().invoke(this::endWrite);
        });
    }

    /** True while the partition is active under this lease (a suspended membership waits in {@link #permit()}). */
    @Override
    public boolean mayPost() {
        return phase == Phase.ACTIVE;
    }

    @Override
    public synchronized boolean tryStartPost() {
        if (!mayPost() || !ownership.fresh()) {
            return false;
        }
        postsOnWire++;
        return true;
    }

    @Override
    public synchronized void postEnded() {
        postsOnWire--;
        notifyAll();
    }

    private synchronized boolean beginWrite() {
        if (phase.compareTo(Phase.REVOKING) > 0) {
            return false;
        }
        writesInFlight++;
        return true;
    }

    private synchronized void endWrite() {
        writesInFlight--;
        notifyAll();
    }

    /**
     * Waits, until {@code deadline} ({@link System#nanoTime()}), for the POSTs sent under this lease; true when none
     * is left. Blocking.
     */
    synchronized boolean awaitPostsOnWire(long deadline) throws InterruptedException {
        long left;
        while (postsOnWire > 0 && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return postsOnWire == 0;
    }

    /** Waits, until {@code deadline}, for the writes under way; true when none is left. Blocking. */
    synchronized boolean awaitWrites(long deadline) throws InterruptedException {
        long left;
        while (writesInFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return writesInFlight == 0;
    }

    /** True when {@code phase} is still ahead of or at this lease's phase, i.e. the lease has not passed it. */
    boolean before(Phase other) {
        return phase.compareTo(other) < 0;
    }

    boolean ended() {
        return phase == Phase.ENDED;
    }

    void activate() {
        if (phase == Phase.RESTORING) {
            phase = Phase.ACTIVE;
        }
        restored.complete(null);
    }

    synchronized void moveTo(Phase next) {
        if (phase.compareTo(next) < 0) {
            phase = next;
        }
        if (next == Phase.ENDED) {
            restored.complete(null);
        }
        notifyAll();
    }

    @Override
    public String toString() {
        return "lease of partition " + partition + " (epoch " + epoch + ", " + phase + ")";
    }
}
