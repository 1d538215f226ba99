package io.aihub.worker.track;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Restores the ledger of every commands partition this replica is assigned, in the background, then resumes
 * polling the runs in it; stops tracking the runs of partitions it loses. Also removes ended commands older than
 * the dedupe window with tombstones, so the ledger and the view stay small.
 */
@ApplicationScoped
public class PartitionRecovery {

    private static final Logger LOG = Logger.getLogger(PartitionRecovery.class);
    private static final long RETRY_MS = 2_000;

    private final Vertx vertx;
    private final PartitionOwnership ownership;
    private final LedgerView view;
    private final LedgerReader restorer;
    private final LedgerWriter writer;
    private final RunTracker tracker;
    private final Duration restoreTimeout;
    private final Duration dedupeWindow;
    private final Duration cleanupInterval;
    private final Timer restoreTime;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public PartitionRecovery(Vertx vertx, PartitionOwnership ownership, LedgerView view, LedgerReader restorer,
            LedgerWriter writer,
            RunTracker tracker, WorkerConfig config, MeterRegistry registry) {
        this.vertx = vertx;
        this.ownership = ownership;
        this.view = view;
        this.restorer = restorer;
        this.writer = writer;
        this.tracker = tracker;
        this.restoreTimeout = config.ledger().restoreTimeout();
        this.dedupeWindow = config.ledger().dedupeWindow();
        this.cleanupInterval = config.ledger().cleanupInterval();
        this.restoreTime = Timer.builder("aihub.ledger.restore")
                .description("Time to read one ledger partition on assignment").register(registry);
    }

    void startCleanup(@Observes StartupEvent event) {
        vertx.setPeriodic(cleanupInterval.toMillis(), id -> removeEndedBefore(clock.millis() - dedupeWindow.toMillis()));
    }

    /** Partitions were assigned: hold their records and restore them in the background. */
    public void assigned(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.infof("partitions %s assigned; restoring their ledger", partitions);
        ownership.assigned(partitions);
        partitions.forEach(partition -> ownership.lease(partition).ifPresent(this::restore));
    }

    /** Partitions were revoked or lost: stop their runs' timers and forget them. */
    public void revoked(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.infof("partitions %s revoked; their runs are handed to the next owner", partitions);
        tracker.stopPartitions(partitions);
        ownership.revoked(partitions);
        view.forgetPartitions(partitions);
    }

    private void restore(Lease lease) {
        int partition = lease.partition();
        long start = System.nanoTime();
        // A restore belongs to the assignment (lease) it began under; one that outlives it must not complete a later one.
        vertx.<Map<String, LedgerRecord>> executeBlocking(() -> restorer.read(partition, restoreTimeout), false)
                .onSuccess(records -> {
                    if (!ownership.current(lease)) {
                        return;
                    }
                    view.restored(lease, records);
                    ownership.restored(lease);
                    long resumed = 0;
                    for (LedgerRecord record : records.values()) {
                        if (record.state() == LedgerRecord.State.TRACKING) {
                            tracker.resume(lease, record);
                            resumed++;
                        }
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    restoreTime.record(took);
                    LOG.infof("partition %d restored in %d ms: %d commands, %d runs resumed", partition,
                            took.toMillis(), records.size(), resumed);
                })
                .onFailure(failure -> {
                    LOG.errorf("partition %d: ledger restore failed (%s); retrying", partition,
                            failure.getClass().getSimpleName());
                    vertx.setTimer(RETRY_MS, id -> {
                        if (ownership.current(lease)) {
                            restore(lease);
                        }
                    });
                });
    }

    /** Writes tombstones for ended and rejected commands of owned partitions last changed before the cutoff. */
    public void removeEndedBefore(long cutoff) {
        // One tombstone at a time, so a large expiry never floods the ledger producer that intake also needs.
        Multi.createFrom().iterable(view.finishedBefore(cutoff))
                .onItem().transformToUniAndConcatenate(entry -> {
                    boolean unchanged = ownership.owns(entry.partition()) && view.get(entry.record().commandId())
                            .map(r -> r.updatedAt() == entry.record().updatedAt()).orElse(false);
                    return unchanged ? writer.tombstone(entry.partition(), entry.record().commandId())
                            .onFailure().recoverWithItem((Void) null) : Uni.createFrom().voidItem();
                })
                .collect().last()
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("ledger cleanup stopped (%s); next round", failure.getClass().getSimpleName()));
    }
}
