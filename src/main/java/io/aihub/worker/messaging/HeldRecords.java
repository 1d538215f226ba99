package io.aihub.worker.messaging;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.ledger.Lease;
import io.smallrye.mutiny.Uni;

/**
 * The records of a partition whose ledger is being restored wait here, in order, rather than in the stream, so the
 * other partitions go on (design.md, "One restoring partition never stalls the other partitions"). Past
 * {@value #PAUSE_AT} records the partition's fetching is paused too, so the wait stays bounded; once restored, the
 * records go to intake in their order, and records arriving meanwhile queue behind them.
 * <p>
 * The drain is a loop, not a recursion: a record intake takes at once is followed by the next in the same loop, one
 * taken later continues the drain from its callback, and after {@value #BATCH} records in a row the drain yields
 * ({@code nextTurn}, the event loop's next turn), so neither the stack nor the event loop is held by a long queue.
 */
final class HeldRecords {

    static final int PAUSE_AT = 64;
    /** Records taken to intake in one turn before the drain lets other work of the event loop run. */
    static final int BATCH = 16;

    private static final Logger LOG = Logger.getLogger(HeldRecords.class);

    /** One received record and what intake needs of it. */
    record Held(Message<byte[]> message, CommandRecord record, Lease lease) {
    }

    private final Map<Integer, ArrayDeque<Held>> byPartition = new HashMap<>();
    /** When the drain of a partition last took a record ({@link System#nanoTime()}); absent before it began. */
    private final Map<Integer, Long> lastTaken = new HashMap<>();
    private final PartitionPauses pauses;
    private final BiFunction<Held, Boolean, Uni<Void>> intake;
    private final Consumer<Runnable> nextTurn;

    /**
     * {@code intake} takes a record to intake, completing once it is accepted; its Boolean says whether the lease may
     * still act. {@code nextTurn} runs a task later, on a fresh stack (the event loop's next turn).
     */
    HeldRecords(PartitionPauses pauses, BiFunction<Held, Boolean, Uni<Void>> intake, Consumer<Runnable> nextTurn) {
        this.pauses = pauses;
        this.intake = intake;
        this.nextTurn = nextTurn;
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
            // On the next turn, not inside the restore's completion: the restore's own work goes on first.
            held.lease().awaitRestored().subscribe().with(restored -> nextTurn.accept(() -> drain(partition)));
        }
        return true;
    }

    /** Records held now, over every partition. */
    synchronized int size() {
        return byPartition.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /**
     * The partitions whose drain began and has taken no record for {@code afterNanos} while records still wait, each
     * described with its count and oldest offset: a stall, as the drain never waits that long for intake.
     */
    synchronized List<String> stalled(long nowNanos, long afterNanos) {
        List<String> stalled = new ArrayList<>();
        lastTaken.forEach((partition, at) -> {
            ArrayDeque<Held> queue = byPartition.get(partition);
            if (queue != null && !queue.isEmpty() && nowNanos - at >= afterNanos) {
                stalled.add(String.format("partition %d: %d held, the oldest at offset %d, none taken for %d s",
                        partition, queue.size(), queue.peek().record().offset(),
                        TimeUnit.NANOSECONDS.toSeconds(nowNanos - at)));
            }
        });
        return stalled;
    }

    /**
     * Takes the partition's records to intake, in order, one at a time: at most {@value #BATCH} in this turn. Only one
     * drain per partition runs at any time: it either loops, waits for the callback of the record intake has not taken
     * yet, or waits for its next turn.
     */
    private void drain(int partition) {
        for (int taken = 0; taken < BATCH; taken++) {
            Held next = next(partition);
            if (next == null) {
                return;
            }
            if (!takeIn(partition, next)) {
                return; // intake takes it later; its callback continues the drain
            }
        }
        nextTurn.accept(() -> drain(partition));
    }

    /** The partition's next held record; none (and the partition's fetching resumed) once all were taken. */
    private Held next(int partition) {
        synchronized (this) {
            ArrayDeque<Held> queue = byPartition.get(partition);
            Held next = queue == null ? null : queue.poll();
            if (next != null) {
                lastTaken.put(partition, System.nanoTime());
                return next;
            }
            byPartition.remove(partition);
            lastTaken.remove(partition);
        }
        pauses.resume(partition, PartitionPauses.Reason.RESTORE);
        return null;
    }

    /** True when intake took the record at once; otherwise the drain goes on from intake's callback. */
    private boolean takeIn(int partition, Held held) {
        // 0: waiting for intake; 1: intake took it before takeIn returned; 2: takeIn returned first.
        AtomicInteger state = new AtomicInteger();
        Runnable taken = () -> {
            if (!state.compareAndSet(0, 1)) {
                drain(partition); // asynchronously: the stack is fresh here
            }
        };
        Uni<Void> admitted;
        try {
            // A lease that ended while its records waited: they are left unacknowledged for the next owner.
            admitted = intake.apply(held, held.lease().isValid());
        } catch (RuntimeException e) {
            admitted = Uni.createFrom().failure(e);
        }
        admitted.subscribe().with(ok -> taken.run(), failure -> {
            LOG.debugf("held record %s not taken in (%s)", held.record(), failure.getClass().getSimpleName());
            taken.run();
        });
        return !state.compareAndSet(0, 2);
    }
}
