package io.aihub.worker.track;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.OutageDetector;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.RunStatus;
import io.aihub.worker.event.EventData;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.flow.InFlightWindow;
import io.aihub.worker.ledger.LeaseEndedException;
import io.aihub.worker.metrics.WorkerMetrics;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.observability.CommandTrace;
import io.vertx.core.Vertx;

/**
 * The steps of one tracked run, each on its own Vert.x timer: a poll (or a change a bulk refresh found), the change
 * it records through {@link RunChangeRecorder}, and the next timer. One step at a time per run; a step that finds its
 * partition's lease ended lets the run go. Polling never ends a run on 401, 403, 5xx or a timeout; only a 404 for a
 * run seen before, or the maximum tracking time, ends it as {@code TRACKING_FAILED}; in an AI Hub outage polls wait.
 */
final class RunSteps {

    private static final Logger LOG = Logger.getLogger(RunTracker.class);
    /** Changes recorded (ledger, event) at once; more wait their turn (a bulk refresh may find thousands). */
    private static final int CONCURRENT_CHANGES = 256;

    private final Map<String, TrackedRun> runs;
    private final Vertx vertx;
    private final AiHubClient client;
    private final RunChangeRecorder recorder;
    private final PollSchedule schedule;
    private final Duration maxTrackingTime;
    private final Clock clock;
    private final WorkerMetrics metrics;
    private final BulkRefresher bulk;
    private final OutageDetector outage;
    private final InFlightWindow writes = new InFlightWindow(CONCURRENT_CHANGES);

    RunSteps(Map<String, TrackedRun> runs, Vertx vertx, AiHubClient client, RunChangeRecorder recorder,
            PollSchedule schedule, Duration maxTrackingTime, WorkerMetrics metrics, BulkRefresher bulk,
            OutageDetector outage) {
        this.runs = runs;
        this.vertx = vertx;
        this.client = client;
        this.recorder = recorder;
        this.schedule = schedule;
        this.maxTrackingTime = maxTrackingTime;
        this.clock = recorder.clock();
        this.metrics = metrics;
        this.bulk = bulk;
        this.outage = outage;
    }

    void scheduleNext(TrackedRun tracked, long baseMs) {
        if (tracked.stopped) {
            tracked.endStep();
            return;
        }
        tracked.intervalMs = Math.max(baseMs, schedule.initialMs());
        long delay = baseMs == 0 ? 1 : schedule.withJitter(baseMs);
        tracked.dueAt = clock.millis() + delay;
        tracked.timerId = vertx.setTimer(delay, id -> CommandTrace.runIn(vertx, tracked.trace, () -> poll(tracked)));
        tracked.endStep();
    }

    private void poll(TrackedRun tracked) {
        if (tracked.stopped || runs.get(tracked.command.commandId()) != tracked || !tracked.tryStep()) {
            return; // ended, moved, or a bulk refresh found a change and records it (it arms the next timer)
        }
        long now = clock.millis();
        metrics.pollScheduleLag(now - tracked.dueAt);
        if (!tracked.lease.isValid()) {
            runs.remove(tracked.command.commandId(), tracked);
            tracked.endStep();
            return;
        }
        if (outage.inOutage()) {
            // Polls pause in an outage too: they would only queue at the rate limiter ahead of the probe's answer.
            scheduleNext(tracked, tracked.intervalMs);
            return;
        }
        StatusEvent owed = tracked.unpublished;
        if (owed != null) {
            recorder.publish(tracked, owed).subscribe().with(ok -> {
                tracked.unpublished = null;
                scheduleNext(tracked, schedule.initialMs());
            }, failure -> afterFailedWrite(tracked, failure));
            return;
        }
        if (clock.millis() > tracked.trackingSince + maxTrackingTime.toMillis()) {
            endTrackingFailed(tracked, "TRACKING_TIMEOUT", 0, "the run passed the maximum tracking time");
            return;
        }
        if (bulk.covers(tracked, now)) {
            // A bulk refresh saw this run recently: no GET of its own.
            scheduleNext(tracked, schedule.nextBaseMs(tracked.intervalMs, false, RunStatus.of(tracked.status)));
            return;
        }
        long start = System.nanoTime();
        tracked.calls += 1;
        client.getRun(tracked.command.ibContext(), tracked.runId).subscribe().with(
                run -> {
                    metrics.poll("ok", Duration.ofNanos(System.nanoTime() - start));
                    tracked.refreshedAt = now;
                    onRun(tracked, run);
                },
                failure -> {
                    metrics.poll("error", Duration.ofNanos(System.nanoTime() - start));
                    onPollFailure(tracked, failure);
                });
    }

    void onRun(TrackedRun tracked, Run run) {
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
        record(tracked, event, run.status(), status == RunStatus.STOPPED_AT_CHECKPOINT);
    }

    /** Records one change (ledger, event, results), then arms the next poll or lets the run go. */
    private void record(TrackedRun tracked, StatusEvent event, String status, boolean checkpoint) {
        if (!tracked.lease.isValid()) {
            runs.remove(tracked.command.commandId(), tracked);
            tracked.endStep();
            return;
        }
        writes.admit().chain(() -> recorder.change(tracked, event, status)).eventually(writes::release)
                .subscribe().with(ok -> {
                    String previous = tracked.status;
                    tracked.sequence = event.sequence();
                    tracked.status = status;
                    CommandLog.info(LOG, tracked.command.commandId(), tracked.runId, "run %s %s -> %s", tracked.runId,
                            previous, status);
                    if (event.type().terminal()) {
                        runs.remove(tracked.command.commandId(), tracked);
                        tracked.endStep();
                        metrics.runEnded(event.type().ceType(),
                                Duration.ofMillis(clock.millis() - tracked.trackingSince));
                        metrics.callsPerRun(tracked.calls);
                    } else {
                        scheduleNext(tracked, checkpoint ? schedule.nextBaseMs(0, true, RunStatus.STOPPED_AT_CHECKPOINT)
                                : schedule.initialMs());
                    }
                }, failure -> {
                    if (failure instanceof RunChangeRecorder.EventNotPublished owed) {
                        // The ledger has this change: its event is owed as it is, not derived again from a later poll.
                        tracked.sequence = owed.event.sequence();
                        tracked.status = status;
                        tracked.unpublished = owed.event;
                    }
                    afterFailedWrite(tracked, failure);
                });
    }

    /** A write of a run failed: a moved partition lets the run go; anything else is tried again by the next step. */
    private void afterFailedWrite(TrackedRun tracked, Throwable failure) {
        if (failure instanceof LeaseEndedException) {
            runs.remove(tracked.command.commandId(), tracked);
            tracked.endStep();
            return;
        }
        CommandLog.warn(LOG, tracked.command.commandId(), tracked.runId, "a change could not be recorded (%s); the "
                + "next step tries again", failure.getClass().getSimpleName());
        scheduleNext(tracked, tracked.intervalMs);
    }

    /**
     * A bulk refresh listed {@code run} as it was at {@code observedAt}. An unchanged status only marks the run
     * fresh (its timer stays as it is); a change is recorded as a poll would record it, unless a step of the run is
     * under way or a newer observation exists. {@code share} is this run's part of the List runs calls.
     */
    void applyListed(TrackedRun tracked, Run run, long observedAt, float share) {
        if (tracked.stopped || runs.get(tracked.command.commandId()) != tracked) {
            return;
        }
        tracked.calls += share;
        tracked.listedAt = Math.max(tracked.listedAt, observedAt);
        if (tracked.refreshedAt > observedAt) {
            return;
        }
        if (Objects.equals(run.status(), tracked.status)) {
            tracked.seen = true;
            tracked.refreshedAt = observedAt;
            return;
        }
        if (!tracked.tryStep()) {
            return;
        }
        vertx.cancelTimer(tracked.timerId);
        if (tracked.refreshedAt > observedAt || tracked.stopped) {
            scheduleNext(tracked, tracked.intervalMs);
            return;
        }
        tracked.refreshedAt = observedAt;
        // Like a poll, the change and its event belong to the command's trace.
        CommandTrace.runIn(vertx, tracked.trace, () -> onRun(tracked, run));
    }

    private void onPollFailure(TrackedRun tracked, Throwable failure) {
        int status = FailureClassifier.httpStatus(failure);
        if (status == 404 && tracked.seen) {
            endTrackingFailed(tracked, "RUN_NOT_FOUND", 404, "the run no longer exists");
            return;
        }
        CommandLog.debug(LOG, tracked.command.commandId(), tracked.runId,
                "status poll failed (HTTP %d, %s); backing off", status,
                failure.getClass().getSimpleName());
        scheduleNext(tracked, schedule.nextBaseMs(tracked.intervalMs, false, RunStatus.UNKNOWN));
    }

    private void endTrackingFailed(TrackedRun tracked, String code, int httpStatus, String message) {
        StatusEvent event = EventFactory.forFailure(tracked.command, tracked.sequence + 1, EventType.TRACKING_FAILED,
                Optional.of(tracked.runId), Optional.ofNullable(tracked.status), tracked.attempts,
                new EventData.Error(code, httpStatus == 0 ? null : httpStatus, message), clock.instant());
        record(tracked, event, EventType.TRACKING_FAILED.name(), false);
    }
}
