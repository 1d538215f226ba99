package io.aihub.worker.track;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerReader;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerView;
import io.aihub.worker.ledger.LedgerWriter;
import io.aihub.worker.ledger.PartitionOwnership;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Restores the ledger of every commands partition this replica is assigned, in the background, then resumes
 * polling the runs in it, up to {@code worker.tracking.max-runs} ({@link ParkedRuns} holds the rest until there is
 * room); stops tracking the runs of partitions it loses. Also removes ended commands older than
 * the dedupe window with tombstones, so the ledger and the view stay small.
 */
@ApplicationScoped
public class PartitionRecovery {

    private static final Logger LOG = Logger.getLogger(PartitionRecovery.class);
    private static final long RETRY_MS = 2_000;
    /** How often runs waiting for room under {@code worker.tracking.max-runs} are looked at. */
    private static final long PARKED_CHECK_MS = 1_000;

    private final Vertx vertx;
    private final PartitionOwnership ownership;
    private final LedgerView view;
    private final LedgerReader restorer;
    private final LedgerWriter writer;
    private final RunTracker tracker;
    private final ParkedRuns parked;
    private final Duration restoreTimeout;
    private final Duration dedupeWindow;
    private final Duration cleanupInterval;
    private final Timer restoreTime;
    private final Clock clock = Clock.systemUTC();
    /** True while waiting runs are being read again (event loop only). */
    private volatile boolean resuming;

    @Inject
    public PartitionRecovery(Vertx vertx, PartitionOwnership ownership, LedgerView view, LedgerReader restorer,
            LedgerWriter writer,
            RunTracker tracker, ParkedRuns parked, WorkerConfig config, MeterRegistry registry) {
        this.vertx = vertx;
        this.ownership = ownership;
        this.view = view;
        this.restorer = restorer;
        this.writer = writer;
        this.tracker = tracker;
        this.parked = parked;
        this.restoreTimeout = config.ledger().restoreTimeout();
        this.dedupeWindow = config.ledger().dedupeWindow();
        this.cleanupInterval = config.ledger().cleanupInterval();
        this.restoreTime = Timer.builder("aihub.ledger.restore")
                .description("Time to read one ledger partition on assignment").register(registry);
        Gauge.builder("aihub.runs.parked", parked, ParkedRuns::size)
                .description("Runs restored beyond worker.tracking.max-runs, waiting for room to be followed")
                .register(registry);
    }

    void startCleanup(@Observes StartupEvent event) {
        vertx.setPeriodic(cleanupInterval.toMillis(), id -> removeEndedBefore(clock.millis() - dedupeWindow.toMillis()));
        vertx.setPeriodic(PARKED_CHECK_MS, id -> resumeParked());
    }

    /**
     * Follows the runs that waited for room, as far as the runs that ended since have made some: their records are
     * read from the ledger again (only theirs), one partition at a time.
     */
    void resumeParked() {
        if (resuming || parked.size() == 0) {
            return;
        }
        Map<Lease, List<String>> released = parked.release(tracker.trackedCount());
        if (released.isEmpty()) {
            return;
        }
        resuming = true;
        Multi.createFrom().iterable(released.entrySet())
                .onItem().transformToUniAndConcatenate(entry -> resumeWaiting(entry.getKey(), entry.getValue()))
                .collect().last()
                .subscribe().with(done -> resuming = false, failure -> resuming = false);
    }

    private Uni<Void> resumeWaiting(Lease lease, List<String> commandIds) {
        Set<String> ids = Set.copyOf(commandIds);
        return Uni.createFrom().completionStage(() -> vertx.<LedgerReader.Contents> executeBlocking(
                () -> restorer.readContents(lease.partition(), restoreTimeout, ids::contains), false)
                .toCompletionStage())
                .invoke(contents -> {
                    if (!ownership.current(lease) || !lease.mayPost()) {
                        return;
                    }
                    Map<String, LedgerRecord> records = new HashMap<>();
                    contents.records().forEach((id, record) -> {
                        if (record.state() == LedgerRecord.State.TRACKING) {
                            records.put(id, record);
                        }
                    });
                    view.restored(lease, records);
                    tracker.resumeAll(lease, List.copyOf(records.values()));
                    LOG.infof("partition %d: %d runs that waited for room are followed now; %d still wait",
                            lease.partition(), records.size(), Math.max(0, parked.size() - ids.size()));
                })
                .onFailure().invoke(failure -> {
                    LOG.warnf("partition %d: the records of %d waiting runs were not read (%s); tried again",
                            lease.partition(), ids.size(), failure.getClass().getSimpleName());
                    if (ownership.current(lease)) {
                        parked.putBack(lease, commandIds);
                    }
                })
                // Once, however it ended: followed, put back, or dropped with their partition.
                .onTermination().invoke(() -> parked.done(ids.size()))
                .replaceWithVoid().onFailure().recoverWithItem((Void) null);
    }

    /** Partitions were assigned: their records wait, and their ledger is restored in the background. */
    public void assigned(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.infof("partitions %s assigned; restoring their ledger", partitions);
        ownership.assigned(partitions);
        long deadline = System.nanoTime() + restoreTimeout.toNanos();
        partitions.forEach(partition -> ownership.lease(partition).ifPresent(lease -> restore(lease, deadline)));
    }

    /** Partitions were revoked or lost: stop their runs' timers and forget them. */
    public void revoked(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.infof("partitions %s revoked; their runs are handed to the next owner", partitions);
        parked.forget(partitions);
        tracker.stopPartitions(partitions);
        ownership.revoked(partitions);
        view.forgetPartitions(partitions);
    }

    /**
     * Reads the lease's ledger partition, retrying until {@code deadline} (the restore budget, which the start-up
     * check counts in the longest wait of a record); past it the replica reports itself not alive.
     */
    private void restore(Lease lease, long deadline) {
        int partition = lease.partition();
        long start = System.nanoTime();
        Duration budget = Duration.ofNanos(Math.max(1, deadline - start));
        // A restore belongs to the assignment (lease) it began under; one that outlives it must not complete a later one.
        vertx.<LedgerReader.Contents> executeBlocking(() -> restorer.readContents(partition, budget), false)
                .onSuccess(contents -> {
                    if (!ownership.current(lease)) {
                        return;
                    }
                    Map<String, LedgerRecord> records = contents.records();
                    List<LedgerRecord> tracking = records.values().stream()
                            .filter(r -> r.state() == LedgerRecord.State.TRACKING).toList();
                    ParkedRuns.Admitted admitted = parked.admit(lease, tracking, tracker.trackedCount());
                    List<LedgerRecord> now = admitted.now();
                    view.restored(lease, records, admitted.waiting());
                    ownership.restored(lease);
                    tracker.resumeAll(lease, now);
                    rewriteShadowed(lease, contents);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    restoreTime.record(took);
                    LOG.infof("partition %d restored in %d ms: %d commands, %d runs resumed", partition,
                            took.toMillis(), records.size(), now.size());
                    if (now.size() < tracking.size()) {
                        LOG.warnf("partition %d: %d runs wait to be followed until followed runs end "
                                + "(worker.tracking.max-runs reached); commands wait too", partition,
                                tracking.size() - now.size());
                    }
                })
                .onFailure(failure -> {
                    if (!ownership.current(lease)) {
                        return;
                    }
                    if (System.nanoTime() + RETRY_MS * 1_000_000 >= deadline) {
                        ownership.restoreFailed(lease);
                        LOG.errorf("partition %d: ledger restore failed within worker.ledger.restore-timeout (%s); "
                                + "this replica reports itself not alive", partition, failure.getClass().getSimpleName());
                        return;
                    }
                    LOG.warnf("partition %d: ledger restore failed (%s); retrying", partition,
                            failure.getClass().getSimpleName());
                    vertx.setTimer(RETRY_MS, id -> {
                        if (ownership.current(lease)) {
                            restore(lease, deadline);
                        }
                    });
                });
    }

    /**
     * The newest snapshot of a command followed by an older one (a late write of an earlier owner) is written
     * again, one at a time, so that compaction, which keeps the last record of a key, keeps the newest.
     */
    private void rewriteShadowed(Lease lease, LedgerReader.Contents contents) {
        if (contents.shadowed().isEmpty()) {
            return;
        }
        LOG.warnf("partition %d: %d commands had a late write of an earlier owner after their newest snapshot; "
                + "writing the newest again", lease.partition(), contents.shadowed().size());
        Multi.createFrom().iterable(List.copyOf(contents.shadowed()))
                .onItem().transformToUniAndConcatenate(id -> writer.write(lease, contents.records().get(id))
                        .onFailure().recoverWithItem((Void) null))
                .collect().last()
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("rewrite stopped (%s)", failure.getClass().getSimpleName()));
    }

    /** Writes tombstones for ended and rejected commands of owned partitions last changed before the cutoff. */
    public void removeEndedBefore(long cutoff) {
        // One tombstone at a time, so a large expiry never floods the ledger producer that intake also needs.
        Multi.createFrom().iterable(view.finishedBefore(cutoff))
                .onItem().transformToUniAndConcatenate(entry -> {
                    boolean unchanged = ownership.owns(entry.partition()) && view.get(entry.record().commandId())
                            .map(r -> r.updatedAt() == entry.record().updatedAt()).orElse(false);
                    Optional<Lease> lease = ownership.lease(entry.partition());
                    return unchanged && lease.isPresent()
                            ? writer.tombstone(lease.get(), entry.record().commandId())
                                    .onFailure().recoverWithItem((Void) null)
                            : Uni.createFrom().voidItem();
                })
                .collect().last()
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("ledger cleanup stopped (%s); next round", failure.getClass().getSimpleName()));
    }
}
