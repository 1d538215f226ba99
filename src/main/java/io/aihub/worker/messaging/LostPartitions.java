package io.aihub.worker.messaging;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.track.PartitionRecovery;

/**
 * Ends, at once and without waiting for anything, the leases of partitions this replica no longer holds: lost by a
 * fenced member, or revoked without the revocation listener running (SmallRye commits before calling it, and a
 * fenced member's commit fails). Another member may own them already. Called on the polling thread, where the
 * consumer's assignment is the truth.
 */
@ApplicationScoped
public class LostPartitions {

    private static final Logger LOG = Logger.getLogger(LostPartitions.class);

    private final PartitionOwnership ownership;
    private final PartitionRecovery recovery;
    private final PartitionPauses pauses;

    @Inject
    public LostPartitions(PartitionOwnership ownership, PartitionRecovery recovery, PartitionPauses pauses) {
        this.ownership = ownership;
        this.recovery = recovery;
        this.pauses = pauses;
    }

    /** Fences every owned partition outside the consumer's assignment. */
    public void fenceUnassigned(Consumer<?, ?> consumer) {
        Set<Integer> stale = new HashSet<>(ownership.ownedPartitions());
        consumer.assignment().stream().map(TopicPartition::partition).forEach(stale::remove);
        if (!stale.isEmpty()) {
            LOG.warnf("partitions %s were lost without a revocation this replica saw; fenced now", stale);
            fence(List.copyOf(stale));
        }
    }

    /** Fences {@code partitions} at once: nothing under their leases acts again, nothing is waited for. */
    public void fence(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        try {
            ownership.fence(partitions, System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forget(partitions);
    }

    /** The partitions left this replica: their runs' timers stop, their leases end, their pauses go. */
    public void forget(Collection<Integer> partitions) {
        recovery.revoked(partitions);
        partitions.forEach(pauses::forget);
    }
}
