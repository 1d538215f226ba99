package io.aihub.worker.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.config.WorkerConfig;
import io.smallrye.mutiny.Uni;

/**
 * Which commands partitions this replica owns now, each under a {@link Lease} with an epoch per assignment, and
 * whether its group membership is fresh: the one place that answers "may this work still act for its partition?"
 * (design.md, "Ownership and fencing").
 */
@ApplicationScoped
public class PartitionOwnership {

    private static final Uni<Boolean> PERMITTED = Uni.createFrom().item(true);
    private static final Uni<Boolean> REFUSED = Uni.createFrom().item(false);

    private final Map<Integer, Lease> leases = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();
    private final long maxPauseNanos;
    private volatile long heartbeatNanos = System.nanoTime();
    private volatile boolean suspended;
    /** Until when the group is known to keep this member (see {@link #requireProof}); unbounded until asked. */
    private volatile long provenUntilNanos = Long.MAX_VALUE;
    private long proofWindowNanos;
    /** Work waiting for membership to be confirmed after a pause; completed when it is, or when leases end. */
    private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
    /** Partitions whose ledger could not be read within the restore budget under their current lease. */
    private final Set<Integer> failedRestores = ConcurrentHashMap.newKeySet();

    @Inject
    public PartitionOwnership(WorkerConfig config) {
        this(config.fencing().maxPause());
    }

    public PartitionOwnership(Duration maxPause) {
        this.maxPauseNanos = maxPause.toNanos();
    }

    /** Partitions were assigned: each gets a new lease, restoring until {@link #restored} is called for it. */
    public void assigned(Collection<Integer> partitions) {
        for (int partition : partitions) {
            failedRestores.remove(partition);
            Lease before = leases.put(partition, new Lease(partition, epochs.incrementAndGet(), this));
            if (before != null) {
                before.moveTo(Lease.Phase.ENDED);
            }
        }
    }

    /** The partition's ledger has been read to its end under {@code lease}: its commands may be processed. */
    public void restored(Lease lease) {
        if (current(lease)) {
            lease.activate();
        }
    }

    /** The ledger could not be read within the restore budget under {@code lease}; liveness reports it. */
    public void restoreFailed(Lease lease) {
        if (current(lease)) {
            failedRestores.add(lease.partition());
        }
    }

    /** Owned partitions whose restore failed: their commands cannot be processed until another replica owns them. */
    public Set<Integer> failedRestores() {
        return Set.copyOf(failedRestores);
    }

    /** A revocation begins: no new POST for these partitions (work already under way may finish). */
    public void revoking(Collection<Integer> partitions) {
        leasesOf(partitions).forEach(lease -> lease.moveTo(Lease.Phase.REVOKING));
    }

    /**
     * Waits, until {@code deadline} ({@link System#nanoTime()}), for the POSTs already on the wire for these
     * partitions, so that a run they create exists before the next owner looks; true when none is left. Blocking.
     */
    public boolean awaitPostsOnWire(Collection<Integer> partitions, long deadline) throws InterruptedException {
        boolean done = true;
        for (Lease lease : leasesOf(partitions)) {
            done &= lease.awaitPostsOnWire(deadline);
        }
        return done;
    }

    /**
     * Nothing new may act for these partitions; waits, until {@code deadline}, for the writes already under way,
     * so that the next owner's restore reads them; true when none is left. Blocking.
     */
    public boolean fence(Collection<Integer> partitions, long deadline) throws InterruptedException {
        List<Lease> fenced = leasesOf(partitions);
        fenced.forEach(lease -> lease.moveTo(Lease.Phase.FENCED));
        releaseWaiting();
        boolean done = true;
        for (Lease lease : fenced) {
            done &= lease.awaitWrites(deadline);
        }
        return done;
    }

    /** Partitions were revoked or lost: their leases end, and anything waiting for their restore is released. */
    public void revoked(Collection<Integer> partitions) {
        for (int partition : partitions) {
            failedRestores.remove(partition);
            Lease lease = leases.remove(partition);
            if (lease != null) {
                lease.moveTo(Lease.Phase.ENDED);
            }
        }
        releaseWaiting(); // work of the ended leases learns it is refused
    }

    /** The current lease of {@code partition}, if this replica owns it. */
    public Optional<Lease> lease(int partition) {
        return Optional.ofNullable(leases.get(partition));
    }

    /** True when {@code lease} is its partition's current lease and new work may begin under it. */
    public boolean current(Lease lease) {
        return leases.get(lease.partition()) == lease && lease.isValid();
    }

    /** True when this replica owns the partition now. */
    public boolean owns(int partition) {
        return leases.containsKey(partition);
    }

    /** Completes when the partition may be processed: restored, or not owned (nothing to wait for). */
    public Uni<Void> awaitRestored(int partition) {
        Lease lease = leases.get(partition);
        return lease == null ? Uni.createFrom().voidItem() : lease.awaitRestored();
    }

    /** The partitions this replica owns. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(leases.keySet());
    }

    /** The partitions being restored now. */
    public Set<Integer> restoringPartitions() {
        return leases.values().stream().filter(Lease::isRestoring).map(Lease::partition).collect(Collectors.toSet());
    }

    /** True while any owned partition is being restored. */
    public boolean isRestoring() {
        return leases.values().stream().anyMatch(Lease::isRestoring);
    }

    /**
     * This replica's own clock ticks several times per {@code max-pause}: a longer gap means the JVM was paused,
     * and until the group confirms membership nothing may act, because the group may have given this replica's
     * partitions to another member meanwhile (a zombie).
     */
    public synchronized void heartbeat(long nowNanos) {
        heartbeatNanos = nowNanos;
    }

    /** True while nothing suggests this replica's group membership is stale. */
    public boolean fresh() {
        long now = System.nanoTime();
        return !suspended && now - heartbeatNanos < maxPauseNanos && now - provenUntilNanos < 0;
    }

    /**
     * From now on membership counts as fresh only within {@code window} of a proof sent to the group (see
     * {@link #membershipProven}); the window starts now. The group coordinator resets a member's session when it
     * accepts the member's offset commit, so it cannot expire the member within the session timeout of that commit:
     * a window of the session timeout less a margin stops a replica cut off from the broker before the group can
     * give its partitions to another member.
     */
    public synchronized void requireProof(Duration window) {
        proofWindowNanos = window.toNanos();
        provenUntilNanos = System.nanoTime() + proofWindowNanos;
    }

    /** The group accepted a commit of this member that was sent no earlier than {@code sentAtNanos}. */
    public void membershipProven(long sentAtNanos) {
        synchronized (this) {
            if (proofWindowNanos > 0 && sentAtNanos + proofWindowNanos - provenUntilNanos > 0) {
                provenUntilNanos = sentAtNanos + proofWindowNanos;
            }
        }
        releaseWaiting();
    }

    /** A pause was detected: every lease waits for membership to be confirmed (or for its partition to move). */
    public synchronized void suspend() {
        suspended = true;
    }

    /** True while actions wait for membership to be confirmed. */
    public boolean suspended() {
        return suspended;
    }

    /** A commit sent after a pause was accepted (or nothing is held any more): the pause is over. */
    public void membershipConfirmed() {
        synchronized (this) {
            heartbeatNanos = System.nanoTime();
            suspended = false;
        }
        releaseWaiting();
    }

    Uni<Boolean> permit(Lease lease) {
        if (!current(lease)) {
            return REFUSED;
        }
        if (fresh()) {
            return PERMITTED;
        }
        CompletableFuture<Void> decided = new CompletableFuture<>();
        synchronized (waiting) {
            waiting.add(decided);
        }
        if (fresh() || !current(lease)) {
            decided.complete(null); // decided between the check and the registration
        }
        return Uni.createFrom().completionStage(decided)
                .chain(() -> !current(lease) ? REFUSED : fresh() ? PERMITTED : permit(lease));
    }

    private List<Lease> leasesOf(Collection<Integer> partitions) {
        return partitions.stream().map(leases::get).filter(lease -> lease != null).toList();
    }

    private void releaseWaiting() {
        List<CompletableFuture<Void>> released;
        synchronized (waiting) {
            released = new ArrayList<>(waiting);
            waiting.clear();
        }
        released.forEach(f -> f.complete(null));
    }
}
