package io.aihub.worker.ledger;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * Which commands partitions this replica owns now, each under a {@link Lease} with an epoch per assignment: the one
 * place that answers "may this work still act for its partition?" (design.md, "Ownership and fencing").
 */
@ApplicationScoped
public class PartitionOwnership {

    private final Map<Integer, Lease> leases = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();

    /** Partitions were assigned: each gets a new lease, restoring until {@link #restored} is called for it. */
    public void assigned(Collection<Integer> partitions) {
        for (int partition : partitions) {
            Lease lease = new Lease(partition, epochs.incrementAndGet());
            Lease before = leases.put(partition, lease);
            if (before != null) {
                before.end();
            }
        }
    }

    /** The partition's ledger has been read to its end under {@code lease}: its commands may be processed. */
    public void restored(Lease lease) {
        if (current(lease)) {
            lease.activate();
        }
    }

    /**
     * A revocation begins: no new POST for these partitions; waits, at most {@code timeout}, for the POSTs already
     * sent to be answered, so that a run they create exists before the next owner looks for it. Blocking.
     */
    public void revoking(Collection<Integer> partitions, Duration timeout) throws InterruptedException {
        partitions.forEach(p -> lease(p).ifPresent(Lease::revoking));
        long deadline = Lease.deadline(timeout);
        for (int partition : partitions) {
            Optional<Lease> lease = lease(partition);
            if (lease.isPresent()) {
                lease.get().awaitPostsOnWire(deadline);
            }
        }
    }

    /** Partitions were revoked or lost: their leases end, and anything waiting for their restore is released. */
    public void revoked(Collection<Integer> partitions) {
        for (int partition : partitions) {
            Lease lease = leases.remove(partition);
            if (lease != null) {
                lease.end();
            }
        }
    }

    /** The current lease of {@code partition}, if this replica owns it. */
    public Optional<Lease> lease(int partition) {
        return Optional.ofNullable(leases.get(partition));
    }

    /** True when {@code lease} is its partition's current lease. */
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
}
