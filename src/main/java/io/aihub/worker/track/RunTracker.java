package io.aihub.worker.track;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.RunStatus;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.event.EventData;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerRecords;
import io.aihub.worker.metrics.WorkerMetrics;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.observability.CommandTrace;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Follows submitted runs until they end: one Vert.x timer per run (no thread), adaptive intervals, an event on
 * every change of status. The ledger owns the event sequence: a non-terminal event is published only after its
 * ledger record is acknowledged, and a terminal event before its ledger record, so a crash in between leads the
 * next owner to derive the same event again. Polling never ends a run on 401, 403, 5xx or a timeout; only a 404 for
 * a run seen before, or the maximum tracking time, ends it as {@code TRACKING_FAILED}.
 */
@ApplicationScoped
public class RunTracker {

    private static final Logger LOG = Logger.getLogger(RunTracker.class);

    private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final AiHubClient client;
    private final RunChangeRecorder recorder;
    private final PollSchedule schedule;
    private final Duration maxTrackingTime;
    private final Clock clock;
    private final WorkerMetrics metrics;
    private final BulkRefresher bulk;
    private final SecretMasking masking;

    @Inject
    public RunTracker(Vertx vertx, AiHubClient client, RunChangeRecorder recorder, WorkerConfig config,
            WorkerMetrics metrics, SecretMasking masking) {
        this.vertx = vertx;
        this.masking = masking;
        this.client = client;
        this.recorder = recorder;
        this.clock = recorder.clock();
        this.metrics = metrics;
        this.schedule = new PollSchedule(config.tracking());
        this.maxTrackingTime = config.tracking().maxTrackingTime();
        this.bulk = new BulkRefresher(runs::values, this::applyListed, vertx, client, config.tracking(),
                config.retry().reconcileWindowMargin(), metrics);
        metrics.trackRunsInFlight(new StatusCounts(runs::values)::count);
    }

    void startBulkRefresh(@Observes StartupEvent event) {
        bulk.start();
    }

    /**
     * Records a new run in the ledger, publishes its {@code submitted} event and starts following it. Completes
     * when both are acknowledged, which is when the command's offset may be committed.
     */
    public Uni<Void> start(Lease lease, RunCommand command, String commandHash, Run run, int attempts,
            long sequence, Long firstAttemptAt) {
        long now = clock.millis();
        TrackedRun tracked = new TrackedRun(lease, lean(command), commandHash,
                run.id(), run.status(), sequence,
                attempts, firstAttemptAt, now, schedule.initialMs());
        tracked.trace = Context.current();
        tracked.calls = attempts;
        StatusEvent submitted = EventFactory.forRun(command, sequence, EventType.SUBMITTED, run, Optional.empty(),
                attempts, Instant.ofEpochMilli(now));
        return recorder.submitted(tracked, run.status(), submitted)
                .invoke(() -> {
                    CommandLog.info(LOG, command.commandId(), run.id(), "run %s submitted (%s)", run.id(), run.status());
                    if (!tracked.lease.isValid()) {
                        return; // the partition moved meanwhile: its next owner follows the run from the ledger
                    }
                    runs.put(command.commandId(), tracked);
                    if (run.knownStatus().terminal()) {
                        // Ended already in the POST response: its terminal event follows at once.
                        tracked.status = null;
                        onRun(tracked, run);
                    } else {
                        scheduleNext(tracked, tracked.intervalMs);
                    }
                });
    }

    /**
     * Resumes a run found in the ledger on restore: its latest event is published again with the same id, time
     * and data, and polling goes on.
     */
    public void resume(Lease lease, LedgerRecord record) {
        RunCommand command = LedgerRecords.command(record, masking);
        long trackingSince = record.trackingSince() == null ? clock.millis() : record.trackingSince();
        // A run already ended when it was submitted or adopted still owes its terminal event: take its status as
        // not yet seen, so the first poll publishes it.
        String known = RunStatus.of(record.status()).terminal() ? null : record.status();
        TrackedRun tracked = new TrackedRun(lease, command, record.commandHash(),
                record.runId(), known,
                record.sequence(), record.attempts(), record.firstAttemptAt(), trackingSince, schedule.initialMs());
        tracked.trace = CommandTrace.forResumedRun(record.traceparent(), record.commandId());
        runs.put(command.commandId(), tracked);
        CommandTrace.runIn(vertx, tracked.trace, () -> republish(tracked, record));
    }

    private void republish(TrackedRun tracked, LedgerRecord record) {
        recorder.republish(record).subscribe().with(
                ok -> scheduleNext(tracked, 0),
                failure -> scheduleNext(tracked, tracked.intervalMs));
    }

    /** The command without its settings, which only the submission needed: less memory per tracked run. */
    private static RunCommand lean(RunCommand command) {
        return command.settings().isEmpty() ? command
                : new RunCommand(command.commandId(), command.target(), command.input(), command.version(),
                        command.outputWorkspace(), command.outputDir(), Optional.empty(), command.ibContext(),
                        command.metadata(), command.results(), command.secrets());
    }

    /** Stops following the runs of revoked partitions; their next owner resumes them from the ledger. */
    public void stopPartitions(Collection<Integer> partitions) {
        runs.values().removeIf(tracked -> {
            if (partitions.contains(tracked.partition)) {
                tracked.stopped = true;
                vertx.cancelTimer(tracked.timerId);
                return true;
            }
            return false;
        });
    }

    /** How many runs are being followed. */
    public int trackedCount() {
        return runs.size();
    }

    /** True when the command's run is being followed by this replica. */
    public boolean isTracking(String commandId) {
        return runs.containsKey(commandId);
    }

    private void scheduleNext(TrackedRun tracked, long baseMs) {
        if (tracked.stopped) {
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
        record(tracked, event, run.status(), status == RunStatus.STOPPED_AT_CHECKPOINT);
    }

    /** Records one change (ledger, event, results), then arms the next poll or lets the run go. */
    private void record(TrackedRun tracked, StatusEvent event, String status, boolean checkpoint) {
        if (!tracked.lease.isValid()) {
            runs.remove(tracked.command.commandId(), tracked);
            return;
        }
        recorder.change(tracked, event, status).subscribe().with(ok -> {
            String previous = tracked.status;
            tracked.sequence = event.sequence();
            tracked.status = status;
            CommandLog.info(LOG, tracked.command.commandId(), tracked.runId, "run %s %s -> %s", tracked.runId, previous,
                    status);
            if (event.type().terminal()) {
                runs.remove(tracked.command.commandId(), tracked);
                metrics.runEnded(event.type().ceType(), Duration.ofMillis(clock.millis() - tracked.trackingSince));
                metrics.callsPerRun(tracked.calls);
            } else {
                scheduleNext(tracked, checkpoint ? schedule.nextBaseMs(0, true, RunStatus.STOPPED_AT_CHECKPOINT)
                        : schedule.initialMs());
            }
        }, failure -> {
            // Nothing is taken as known; the next poll sees the change again and derives the same event id.
            CommandLog.warn(LOG, tracked.command.commandId(), tracked.runId,
                    "event %s could not be recorded (%s); the next poll tries again", event.id(),
                    failure.getClass().getSimpleName());
            scheduleNext(tracked, tracked.intervalMs);
        });
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

    @PreDestroy
    void stopTimers() {
        bulk.stop();
        runs.values().forEach(tracked -> {
            tracked.stopped = true;
            vertx.cancelTimer(tracked.timerId);
        });
        runs.clear();
    }
}
