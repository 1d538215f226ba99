package io.aihub.worker.messaging;

import java.time.Duration;
import java.util.function.IntSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.OutageDetector;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.track.RunTracker;
import io.smallrye.mutiny.Uni;

/**
 * Holds intake (back-pressure, not rejection) while AI Hub is in an outage or this replica tracks its maximum of
 * runs. The consumer method waits on {@link #awaitOpen()}, so SmallRye stops requesting records and pauses the
 * partitions once its queue is full. At most one record waits here at a time (SmallRye delivers one at a time).
 */
@ApplicationScoped
public class IntakeGate {

    private static final Logger LOG = Logger.getLogger(IntakeGate.class);
    private static final Duration RECHECK = Duration.ofMillis(100);

    private final OutageDetector outage;
    private final IntSupplier tracked;
    private final int maxRuns;
    private volatile boolean fullLogged;

    @Inject
    public IntakeGate(OutageDetector outage, RunTracker tracker, WorkerConfig config) {
        this.outage = outage;
        this.tracked = tracker::trackedCount;
        this.maxRuns = config.tracking().maxRuns();
    }

    /** True while new commands may be admitted. */
    public boolean open() {
        return !outage.inOutage() && tracked.getAsInt() < maxRuns;
    }

    /** Completes when intake may go on: at once, or after the outage ends and tracked runs fall below the cap. */
    public Uni<Void> awaitOpen() {
        if (outage.inOutage()) {
            return outage.awaitRecovery().chain(this::awaitOpen);
        }
        if (tracked.getAsInt() >= maxRuns) {
            if (!fullLogged) {
                fullLogged = true;
                LOG.warnf("%d runs tracked (worker.tracking.max-runs): intake paused until runs end", maxRuns);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(RECHECK).chain(this::awaitOpen);
        }
        fullLogged = false;
        return Uni.createFrom().voidItem();
    }
}
