package io.aihub.worker.track;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * This replica's view of the ledger: the latest acknowledged snapshot of every command on the partitions it owns,
 * which partitions it owns, and which of them are still being restored. In-flight commands are kept in full; ended
 * and rejected ones only as compact dedupe entries.
 */
@ApplicationScoped
public class Ledger {

    /** A snapshot and the partition it lives on. */
    public record Entry(int partition, LedgerRecord record) {
    }

    private final Map<String, Entry> byCommand = new ConcurrentHashMap<>();
    /** Owned partitions, each with the epoch of its current assignment; a revoke and reassign is a new epoch. */
    private final Map<Integer, Long> owned = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong epochs = new java.util.concurrent.atomic.AtomicLong();
    private final Map<Integer, CompletableFuture<Void>> restoring = new ConcurrentHashMap<>();
    /** Partitions being revoked: held until their POSTs on the wire have answers, but no new POST may start. */
    private final Set<Integer> revoking = ConcurrentHashMap.newKeySet();
    private final Map<Integer, java.util.concurrent.atomic.AtomicInteger> postsOnWire = new ConcurrentHashMap<>();

    /** The latest snapshot of a command, if this replica knows it. */
    public Optional<LedgerRecord> get(String commandId) {
        Entry entry = byCommand.get(commandId);
        return entry == null ? Optional.empty() : Optional.of(entry.record());
    }

    void remember(int partition, LedgerRecord record) {
        if (!owned.containsKey(partition)) {
            return; // a late write of work begun under an earlier assignment; the next restore reads it
        }
        boolean done = record.state() == LedgerRecord.State.ENDED || record.state() == LedgerRecord.State.REJECTED;
        LedgerRecord kept = done ? record.compact()
                : record.state() == LedgerRecord.State.TRACKING ? record.withoutEvent() : record;
        byCommand.put(record.commandId(), new Entry(partition, kept));
    }

    void forget(int partition, String commandId) {
        byCommand.computeIfPresent(commandId, (id, entry) -> entry.partition() == partition ? null : entry);
    }

    /** True when this replica is assigned the commands partition (and so the ledger partition) {@code partition}. */
    public boolean owns(int partition) {
        return owned.containsKey(partition);
    }

    /**
     * A test of continued ownership taken now: true while the partition stays assigned without interruption. Work
     * begun under one assignment must not act under a later one, when another replica may have acted in between.
     */
    public java.util.function.BooleanSupplier ownership(int partition) {
        Long epoch = owned.get(partition);
        return () -> epoch != null && epoch.equals(owned.get(partition));
    }

    /** The guard of a submission that begins now on {@code partition}: its assignment, and POSTs on the wire. */
    public io.aihub.worker.submit.SubmissionGuard guard(int partition) {
        java.util.function.BooleanSupplier held = ownership(partition);
        java.util.concurrent.atomic.AtomicInteger wire = postsOnWire.computeIfAbsent(partition,
                p -> new java.util.concurrent.atomic.AtomicInteger());
        return new io.aihub.worker.submit.SubmissionGuard() {
            @Override
            public boolean mayPost() {
                return held.getAsBoolean() && !revoking.contains(partition);
            }

            @Override
            public void postStarted() {
                wire.incrementAndGet();
            }

            @Override
            public void postEnded() {
                synchronized (wire) {
                    wire.decrementAndGet();
                    wire.notifyAll();
                }
            }
        };
    }

    /**
     * A revocation begins: no new POST for these partitions; waits, at most {@code timeout}, for the POSTs already
     * sent to be answered, so that the run they may create is in AI Hub before the next owner looks for it.
     * Blocking: runs on the consumer's polling thread, bounded by the request timeout.
     */
    public void beginRevoke(Collection<Integer> partitions, java.time.Duration timeout) throws InterruptedException {
        revoking.addAll(partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int partition : partitions) {
            java.util.concurrent.atomic.AtomicInteger wire = postsOnWire.get(partition);
            if (wire == null) {
                continue;
            }
            synchronized (wire) {
                long left;
                while (wire.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(wire, left);
                }
            }
        }
    }

    /** The partitions this replica owns. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned.keySet());
    }

    /** Partitions were assigned: they are owned, and restoring until {@link #restored} is called for each. */
    public void assigned(Collection<Integer> partitions) {
        for (int partition : partitions) {
            owned.put(partition, epochs.incrementAndGet());
            restoring.computeIfAbsent(partition, p -> new CompletableFuture<>());
        }
    }

    /** A partition's ledger has been read to its end: install its snapshots and let its commands through. */
    public void restored(int partition, Map<String, LedgerRecord> records) {
        if (!owned.containsKey(partition)) {
            return;
        }
        records.values().forEach(record -> remember(partition, record));
        CompletableFuture<Void> done = restoring.remove(partition);
        if (done != null) {
            done.complete(null);
        }
    }

    /** Partitions were revoked or lost: forget them and release anything waiting for their restore. */
    public void revoked(Collection<Integer> partitions) {
        for (int partition : partitions) {
            owned.remove(partition);
            revoking.remove(partition);
            CompletableFuture<Void> pending = restoring.remove(partition);
            if (pending != null) {
                pending.complete(null);
            }
        }
        byCommand.values().removeIf(entry -> partitions.contains(entry.partition()));
    }

    /** Completes when the partition may be processed: restored, or not being restored. */
    public Uni<Void> awaitRestored(int partition) {
        CompletableFuture<Void> pending = restoring.get(partition);
        return pending == null ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(pending);
    }

    /** True while any owned partition is being restored. */
    public boolean isRestoring() {
        return !restoring.isEmpty();
    }

    /** The partitions being restored now. */
    public Set<Integer> restoringPartitions() {
        return Set.copyOf(restoring.keySet());
    }

    /** Ended or rejected commands last changed before {@code cutoffMillis}: candidates for a tombstone. */
    public List<Entry> finishedBefore(long cutoffMillis) {
        return byCommand.values().stream()
                .filter(e -> !e.record().state().equals(LedgerRecord.State.SUBMITTING)
                        && !e.record().state().equals(LedgerRecord.State.TRACKING)
                        && e.record().updatedAt() < cutoffMillis)
                .toList();
    }

    /** Commands of a partition left {@code submitting}: their outcome is unknown. */
    public List<LedgerRecord> submittingOn(int partition) {
        return byCommand.values().stream()
                .filter(e -> e.partition() == partition && e.record().state() == LedgerRecord.State.SUBMITTING)
                .map(Entry::record)
                .toList();
    }

    /** Every command the view holds, with its partition (for the admin lookup). */
    public List<Entry> entries() {
        return List.copyOf(byCommand.values());
    }

    /** How many commands the view holds. */
    public int size() {
        return byCommand.size();
    }
}
