package io.aihub.worker.messaging;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.OutageDetector;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.flow.KeyOrdering;
import io.aihub.worker.track.ParkedRuns;
import io.aihub.worker.track.RunTracker;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Pauses fetching commands (back-pressure, not rejection, and never by holding a received record) while AI Hub is in
 * an outage, while this replica tracks its maximum of runs (counting those a restore parked), and, with
 * {@code worker.ordering=key}, for a partition
 * while one of its keys has more than {@code worker.max-waiting-per-key} records waiting, so no record waits for its
 * key longer than SmallRye's {@code unprocessed-record-max-age}. Checked on a short timer.
 */
@ApplicationScoped
public class IntakeGate {

    private static final Logger LOG = Logger.getLogger(IntakeGate.class);
    private static final long CHECK_MS = 100;

    private final OutageDetector outage;
    private final IntSupplier tracked;
    private final int maxRuns;
    private final int maxWaitingPerKey;
    private final KeyOrdering ordering;
    private final PartitionPauses pauses;
    private final Vertx vertx;
    /** Keys with too many records waiting, by partition (guarded by this). */
    private final Map<Integer, Set<ByteBuffer>> hotKeys = new HashMap<>();
    private long timerId = -1;

    @Inject
    public IntakeGate(OutageDetector outage, RunTracker tracker, ParkedRuns parked, WorkerConfig config,
            KeyOrdering ordering, PartitionPauses pauses, Vertx vertx) {
        this.outage = outage;
        // Runs a restore parked count too: new commands must not take the room they wait for.
        this.tracked = () -> tracker.trackedCount() + parked.size();
        this.maxRuns = config.tracking().maxRuns();
        this.maxWaitingPerKey = Math.max(1, config.maxWaitingPerKey());
        this.ordering = ordering;
        this.pauses = pauses;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(CHECK_MS, id -> check());
    }

    /** True while new commands are taken: no outage, and fewer runs tracked than the cap. */
    public boolean open() {
        return !outage.inOutage() && tracked.getAsInt() < maxRuns;
    }

    /** A record was taken in: a key it makes too busy pauses its partition. */
    public void accepted(int partition, byte[] key) {
        if (key == null || !ordering.enabled() || ordering.waiting(key) < maxWaitingPerKey) {
            return;
        }
        synchronized (this) {
            hotKeys.computeIfAbsent(partition, p -> new HashSet<>()).add(ByteBuffer.wrap(key.clone()));
        }
        pauses.pause(partition, PartitionPauses.Reason.HOT_KEY);
    }

    private void check() {
        set(PartitionPauses.Reason.OUTAGE, outage.inOutage());
        boolean full = tracked.getAsInt() >= maxRuns;
        if (full && !pauses.allReasons().contains(PartitionPauses.Reason.TRACKED_RUNS_CAP)) {
            LOG.warnf("%d runs tracked (worker.tracking.max-runs): fetching paused until runs end", maxRuns);
        }
        set(PartitionPauses.Reason.TRACKED_RUNS_CAP, full);
        Set<Integer> cooled = new HashSet<>();
        synchronized (this) {
            hotKeys.forEach((partition, keys) -> {
                keys.removeIf(key -> ordering.waiting(key.array()) <= maxWaitingPerKey / 2);
                if (keys.isEmpty()) {
                    cooled.add(partition);
                }
            });
            cooled.forEach(hotKeys::remove);
        }
        cooled.forEach(partition -> pauses.resume(partition, PartitionPauses.Reason.HOT_KEY));
    }

    private void set(PartitionPauses.Reason reason, boolean on) {
        if (on) {
            pauses.pauseAll(reason);
        } else {
            pauses.resumeAll(reason);
        }
    }

    @PreDestroy
    void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }
}
