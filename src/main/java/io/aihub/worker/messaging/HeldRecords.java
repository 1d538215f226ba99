package io.aihub.worker.messaging;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.ledger.Lease;
import io.smallrye.mutiny.Uni;

/**
 * The records of a partition whose ledger is being restored wait here, in order, rather than in the stream, so the
 * other partitions go on (design.md, "One restoring partition never stalls the other partitions"). Past
 * {@value #PAUSE_AT} records the partition's fetching is paused too, so the wait stays bounded; once restored, the
 * records go to intake in their order, and records arriving meanwhile queue behind them.
 */
final class HeldRecords {

    static final int PAUSE_AT = 64;

    /** One received record and what intake needs of it. */
    record Held(Message<byte[]> message, CommandRecord record, Lease lease) {
    }

    private final Map<Integer, ArrayDeque<Held>> byPartition = new HashMap<>();
    private final PartitionPauses pauses;
    private final BiFunction<Held, Boolean, Uni<Void>> intake;

    /** {@code intake} takes a record to intake; its Boolean says whether the lease may still act. */
    HeldRecords(PartitionPauses pauses, BiFunction<Held, Boolean, Uni<Void>> intake) {
        this.pauses = pauses;
        this.intake = intake;
    }

    /** Holds the record when its partition is restoring or earlier records of it still wait; else false. */
    boolean hold(Held held) {
        int partition = held.record().partition();
        boolean first;
        synchronized (this) {
            ArrayDeque<Held> queue = byPartition.get(partition);
            if (queue == null && !held.lease().isRestoring()) {
                return false;
            }
            first = queue == null;
            if (first) {
                queue = new ArrayDeque<>();
                byPartition.put(partition, queue);
            }
            queue.add(held);
            if (queue.size() == PAUSE_AT) {
                pauses.pause(partition, PartitionPauses.Reason.RESTORE);
            }
        }
        if (first) {
            held.lease().awaitRestored().subscribe().with(restored -> drain(partition));
        }
        return true;
    }

    /** Records held now, over every partition. */
    synchronized int size() {
        return byPartition.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private void drain(int partition) {
        Held next;
        synchronized (this) {
            ArrayDeque<Held> queue = byPartition.get(partition);
            next = queue == null ? null : queue.poll();
            if (next == null) {
                byPartition.remove(partition);
            }
        }
        if (next == null) {
            pauses.resume(partition, PartitionPauses.Reason.RESTORE);
            return;
        }
        // A lease that ended while its records waited: they are left unacknowledged for the next owner.
        intake.apply(next, next.lease().isValid()).subscribe().with(admitted -> drain(partition),
                failure -> drain(partition));
    }
}
