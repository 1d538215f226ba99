package io.aihub.worker.track;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.RunStatus;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.event.EventData;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Follows submitted runs until they end: one Vert.x timer per run (no thread), adaptive intervals, an event on
 * every change of status. A status is taken as known only once its event is acknowledged, so a failed publish is
 * simply seen again at the next poll. Polling never ends a run on 401, 403, 5xx or a timeout; only a 404 for a run
 * seen before, or the maximum tracking time, ends it as {@code TRACKING_FAILED}.
 */
@ApplicationScoped
public class RunTracker {

    private static final Logger LOG = Logger.getLogger(RunTracker.class);

    private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final AiHubClient client;
    private final EventPublisher events;
    private final PollSchedule schedule;
    private final Duration maxTrackingTime;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public RunTracker(Vertx vertx, AiHubClient client, EventPublisher events, WorkerConfig config) {
        this.vertx = vertx;
        this.client = client;
        this.events = events;
        this.schedule = new PollSchedule(config.tracking());
        this.maxTrackingTime = config.tracking().maxTrackingTime();
    }

    /**
     * Publishes the {@code submitted} event of a new run and starts following it. Completes when the event is
     * acknowledged, which is when the command's offset may be committed.
     */
    public Uni<Void> start(RunCommand command, Run run, int attempts) {
        TrackedRun tracked = new TrackedRun(command, run.id(), run.status(), 1, attempts, clock.instant(),
                schedule.initialMs());
        StatusEvent submitted = EventFactory.forRun(command, 1, EventType.SUBMITTED, run, Optional.empty(), attempts,
                clock.instant());
        return events.publish(submitted).invoke(() -> {
            LOG.infof("command %s: run %s submitted (%s)", command.commandId(), run.id(), run.status());
            if (run.knownStatus().terminal()) {
                // Ended already in the POST response: its terminal event follows at once.
                tracked.status = null;
                onRun(tracked, run);
            } else {
                runs.put(command.commandId(), tracked);
                scheduleNext(tracked, tracked.intervalMs);
            }
        });
    }

    /** How many runs are being followed. */
    public int trackedCount() {
        return runs.size();
    }

    private void scheduleNext(TrackedRun tracked, long baseMs) {
        tracked.intervalMs = baseMs;
        tracked.timerId = vertx.setTimer(schedule.withJitter(baseMs), id -> poll(tracked));
    }

    private void poll(TrackedRun tracked) {
        if (runs.get(tracked.command.commandId()) != tracked) {
            return;
        }
        if (clock.instant().isAfter(tracked.trackingSince.plus(maxTrackingTime))) {
            endTrackingFailed(tracked, "TRACKING_TIMEOUT", 0, "the run passed the maximum tracking time");
            return;
        }
        client.getRun(tracked.command.ibContext(), tracked.runId).subscribe().with(
                run -> onRun(tracked, run),
                failure -> onPollFailure(tracked, failure));
    }

    private void onRun(TrackedRun tracked, Run run) {
        tracked.seen = true;
        RunStatus status = run.knownStatus();
        if (Objects.equals(run.status(), tracked.status)) {
            scheduleNext(tracked, schedule.nextBaseMs(tracked.intervalMs, false, status));
            return;
        }
        long sequence = tracked.sequence + 1;
        EventType type = EventType.forStatus(status);
        StatusEvent event = EventFactory.forRun(tracked.command, sequence, type, run, Optional.ofNullable(tracked.status),
                tracked.attempts, clock.instant());
        events.publish(event).subscribe().with(ok -> {
            String previous = tracked.status;
            tracked.sequence = sequence;
            tracked.status = run.status();
            LOG.infof("command %s: run %s %s -> %s", tracked.command.commandId(), tracked.runId, previous, run.status());
            if (type.terminal()) {
                runs.remove(tracked.command.commandId(), tracked);
            } else {
                scheduleNext(tracked, schedule.nextBaseMs(tracked.intervalMs, true, status));
            }
        }, failure -> {
            LOG.warnf("command %s: event %s could not be published (%s); the next poll tries again",
                    tracked.command.commandId(), event.id(), failure.getClass().getSimpleName());
            runs.putIfAbsent(tracked.command.commandId(), tracked);
            scheduleNext(tracked, schedule.nextBaseMs(tracked.intervalMs, false, status));
        });
    }

    private void onPollFailure(TrackedRun tracked, Throwable failure) {
        int status = FailureClassifier.httpStatus(failure);
        if (status == 404 && tracked.seen) {
            endTrackingFailed(tracked, "RUN_NOT_FOUND", 404, "the run no longer exists");
            return;
        }
        LOG.debugf("command %s: status poll failed (HTTP %d, %s); backing off", tracked.command.commandId(), status,
                failure.getClass().getSimpleName());
        scheduleNext(tracked, schedule.nextBaseMs(tracked.intervalMs, false, RunStatus.UNKNOWN));
    }

    private void endTrackingFailed(TrackedRun tracked, String code, int httpStatus, String message) {
        long sequence = tracked.sequence + 1;
        StatusEvent event = EventFactory.forFailure(tracked.command, sequence, EventType.TRACKING_FAILED,
                Optional.of(tracked.runId), Optional.ofNullable(tracked.status), tracked.attempts,
                new EventData.Error(code, httpStatus == 0 ? null : httpStatus, message), clock.instant());
        events.publish(event).subscribe().with(ok -> {
            tracked.sequence = sequence;
            runs.remove(tracked.command.commandId(), tracked);
            LOG.infof("command %s: run %s tracking failed (%s)", tracked.command.commandId(), tracked.runId, code);
        }, failure -> scheduleNext(tracked, tracked.intervalMs));
    }

    @PreDestroy
    void stopTimers() {
        runs.values().forEach(tracked -> vertx.cancelTimer(tracked.timerId));
        runs.clear();
    }
}
