package io.aihub.worker.track;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerRecord;

/**
 * The cap {@code worker.tracking.max-runs} applied to restores (design.md, "Bounded everything"): after a scale-in
 * one replica may be assigned the runs of several, and following them all would outgrow a heap sized for the cap.
 * The runs beyond it wait here by command ID only (the ledger view keeps a compact entry for dedupe), and are
 * followed, oldest first, as followed runs end: their records are read from the ledger again then, a batch at a
 * time. Intake counts them, so new commands never overtake them.
 */
@ApplicationScoped
public class ParkedRuns {

    /** A run waiting for room, with the assignment it was restored under. */
    private record Parked(Lease lease, String commandId) {
    }

    /** The runs of a restore to follow now, and the command IDs of those that wait. */
    record Admitted(List<LedgerRecord> now, Set<String> waiting) {
    }

    /** Oldest first: the runs most likely to have ended already, so their room comes back soonest. */
    private static final Comparator<LedgerRecord> OLDEST_FIRST = Comparator
            .comparingLong((LedgerRecord r) -> r.trackingSince() == null ? 0 : r.trackingSince())
            .thenComparing(LedgerRecord::commandId);

    private final int maxRuns;
    /** Each release reads a ledger partition again: it waits until at least this many runs fit, or all that wait. */
    private final int batch;
    private final ArrayDeque<Parked> waiting = new ArrayDeque<>();
    /** Runs released whose records are being read: they still count, so intake cannot take their room meanwhile. */
    private int releasing;

    @Inject
    public ParkedRuns(WorkerConfig config) {
        this(config.tracking().maxRuns());
    }

    ParkedRuns(int maxRuns) {
        this.maxRuns = maxRuns;
        this.batch = Math.max(1, maxRuns / 100);
    }

    /**
     * Of the runs a restore of {@code lease}'s partition found, those to follow now, oldest first, while
     * {@code tracked} runs are followed already; the others wait, behind any that waited before.
     */
    synchronized Admitted admit(Lease lease, Collection<LedgerRecord> restored, int tracked) {
        List<LedgerRecord> oldestFirst = restored.stream().sorted(OLDEST_FIRST).toList();
        int room = waiting.isEmpty() && releasing == 0 ? Math.max(0, maxRuns - tracked) : 0;
        List<LedgerRecord> now = oldestFirst.subList(0, Math.min(room, oldestFirst.size()));
        Set<String> parked = new HashSet<>();
        oldestFirst.subList(now.size(), oldestFirst.size()).forEach(record -> {
            waiting.add(new Parked(lease, record.commandId()));
            parked.add(record.commandId());
        });
        return new Admitted(now, parked);
    }

    /**
     * The command IDs of the waiting runs that fit now that {@code tracked} runs are followed, in order, by lease;
     * nothing until a batch fits. Runs whose partition is no longer active under their lease (being revoked, or
     * moved on) are dropped: its next owner restores them. Released runs count in {@link #size()} until
     * {@link #done} is called for them.
     */
    synchronized Map<Lease, List<String>> release(int tracked) {
        Map<Lease, List<String>> released = new LinkedHashMap<>();
        int room = maxRuns - tracked - releasing;
        if (room < Math.min(batch, waiting.size())) {
            return released;
        }
        while (room > 0 && !waiting.isEmpty()) {
            Parked next = waiting.poll();
            if (next.lease().mayPost()) {
                released.computeIfAbsent(next.lease(), lease -> new ArrayList<>()).add(next.commandId());
                releasing++;
                room--;
            }
        }
        return released;
    }

    /** Released runs that could not be followed (their records were not read): first in line again. */
    synchronized void putBack(Lease lease, List<String> commandIds) {
        for (int i = commandIds.size() - 1; i >= 0; i--) {
            waiting.addFirst(new Parked(lease, commandIds.get(i)));
        }
    }

    /** {@code count} released runs are followed now, or back in line, or dropped with their partition. */
    synchronized void done(int count) {
        releasing = Math.max(0, releasing - count);
    }

    /** The partitions left this replica: their waiting runs go to the next owner's restore. */
    synchronized void forget(Collection<Integer> partitions) {
        for (Iterator<Parked> it = waiting.iterator(); it.hasNext();) {
            if (partitions.contains(it.next().lease().partition())) {
                it.remove();
            }
        }
    }

    /** How many runs wait for room, those whose records are being read included. */
    public synchronized int size() {
        return waiting.size() + releasing;
    }
}
