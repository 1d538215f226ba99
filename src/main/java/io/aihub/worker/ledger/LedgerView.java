package io.aihub.worker.ledger;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * This replica's view of the ledger: the latest acknowledged snapshot of every command on the partitions it owns.
 * In-flight commands are kept in full; ended and rejected ones only as compact dedupe entries.
 */
@ApplicationScoped
public class LedgerView {

    /** A snapshot and the partition it lives on. */
    public record Entry(int partition, LedgerRecord record) {
    }

    private final Map<String, Entry> byCommand = new ConcurrentHashMap<>();
    private final PartitionOwnership ownership;

    @Inject
    public LedgerView(PartitionOwnership ownership) {
        this.ownership = ownership;
    }

    /** The latest snapshot of a command, if this replica knows it. */
    public Optional<LedgerRecord> get(String commandId) {
        return entry(commandId).map(Entry::record);
    }

    /** The latest snapshot of a command with its partition, if this replica knows it. */
    public Optional<Entry> entry(String commandId) {
        return Optional.ofNullable(byCommand.get(commandId));
    }

    void remember(Lease lease, LedgerRecord record) {
        if (lease.ended()) {
            return; // a late write of work begun under an earlier assignment; the next restore reads it
        }
        remember(lease.partition(), record);
    }

    private void remember(int partition, LedgerRecord record) {
        remember(partition, record, false);
    }

    private void remember(int partition, LedgerRecord record, boolean waiting) {
        boolean done = waiting || record.state() == LedgerRecord.State.ENDED
                || record.state() == LedgerRecord.State.REJECTED;
        LedgerRecord kept = done ? record.compact()
                : record.state() == LedgerRecord.State.TRACKING ? record.withoutEvent() : record;
        byCommand.put(record.commandId(), new Entry(partition, kept));
    }

    void forget(int partition, String commandId) {
        byCommand.computeIfPresent(commandId, (id, entry) -> entry.partition() == partition ? null : entry);
    }

    /** Installs the snapshots a restore read for a partition of {@code lease}, unless the lease has ended. */
    public void restored(Lease lease, Map<String, LedgerRecord> records) {
        restored(lease, records, Set.of());
    }

    /**
     * {@link #restored(Lease, Map)}, keeping the commands in {@code waiting} (runs not followed yet, for lack of room)
     * only as compact dedupe entries: their full records are read again when they are followed.
     */
    public void restored(Lease lease, Map<String, LedgerRecord> records, Set<String> waiting) {
        if (!ownership.current(lease) || lease.ended()) {
            return;
        }
        records.values().forEach(record -> remember(lease.partition(), record, waiting.contains(record.commandId())));
    }

    /** Forgets the commands of partitions this replica no longer owns. */
    public void forgetPartitions(Collection<Integer> partitions) {
        byCommand.values().removeIf(entry -> partitions.contains(entry.partition()));
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

    /** Every command the view holds, with its partition (for the admin listing). */
    public List<Entry> entries() {
        return List.copyOf(byCommand.values());
    }

    /** How many commands the view holds. */
    public int size() {
        return byCommand.size();
    }
}
