package io.aihub.worker.track;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.OutageDetector;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.RunStatus;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LeaseEndedException;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerRecords;
import io.aihub.worker.metrics.WorkerMetrics;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.observability.CommandTrace;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Follows submitted runs until they end: one Vert.x timer per run (no thread), adaptive intervals, an event on
 * every change of status ({@link RunSteps}, {@link RunChangeRecorder}). Runs start here after a submission, resume
 * here after a restore, and stop when their partition is revoked.
 */
@ApplicationScoped
public class RunTracker {

    private static final Logger LOG = Logger.getLogger(RunTracker.class);
    /** Events published again at once after a restore; each is retried a few times before it is owed. */
    private static final int CONCURRENT_REPUBLISHES = 32;
    private static final int REPUBLISH_ATTEMPTS = 3;

    private final Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final AiHubClient client;
    private final RunChangeRecorder recorder;
    private final PollSchedule schedule;
    private final Duration maxTrackingTime;
    private final Clock clock;
    private final WorkerMetrics metrics;
    private final BulkRefresher bulk;
    private final RunSteps steps;
    private final SecretMasking masking;

    @Inject
    public RunTracker(Vertx vertx, AiHubClient client, RunChangeRecorder recorder, WorkerConfig config,
            WorkerMetrics metrics, OutageDetector outage, SecretMasking masking) {
        this.vertx = vertx;
        this.masking = masking;
        this.client = client;
        this.recorder = recorder;
        this.clock = recorder.clock();
        this.metrics = metrics;
        this.schedule = new PollSchedule(config.tracking());
        this.maxTrackingTime = config.tracking().maxTrackingTime();
        this.bulk = new BulkRefresher(runs::values, this::listed, outage::inOutage, vertx, client, config.tracking(),
                config.retry().reconcileWindowMargin(), metrics);
        this.steps = new RunSteps(runs, vertx, client, recorder, schedule, maxTrackingTime, metrics, bulk, outage);
        metrics.trackRunsInFlight(new StatusCounts(runs::values)::count);
    }

    private void listed(TrackedRun tracked, Run run, long observedAt, float share) {
        steps.applyListed(tracked, run, observedAt, share);
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
                        tracked.endStep();
                        return; // the partition moved meanwhile: its next owner follows the run from the ledger
                    }
                    runs.put(command.commandId(), tracked);
                    if (run.knownStatus().terminal()) {
                        // Ended already in the POST response: its terminal event follows at once.
                        tracked.status = null;
                        steps.onRun(tracked, run);
                    } else {
                        steps.scheduleNext(tracked, tracked.intervalMs);
                    }
                });
    }

    /**
     * Resumes the runs found in a partition's ledger on restore: every one is followed at once (above the bulk
     * threshold through a listing brought forward), and its latest event is published again with the same id, time
     * and data, a bounded number at a time (design.md, "Bursts are paced"); then polling goes on. An event that cannot
     * be published is owed: the run's next step sends it first.
     */
    public void resumeAll(Lease lease, List<LedgerRecord> records) {
        List<Map.Entry<TrackedRun, LedgerRecord>> resumed = records.stream()
                .map(record -> Map.entry(register(lease, record), record)).toList();
        long firstPollMs = resumed.isEmpty() ? 0 : bulk.resumed();
        Multi.createFrom().iterable(resumed)
                .onItem().transformToUni(entry -> republishThenPoll(entry.getKey(), entry.getValue(), firstPollMs))
                .merge(CONCURRENT_REPUBLISHES)
                .collect().last()
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("republishing stopped (%s)", failure.getClass().getSimpleName()));
    }

    private TrackedRun register(Lease lease, LedgerRecord record) {
        RunCommand command = LedgerRecords.command(record, masking);
        long trackingSince = record.trackingSince() == null ? clock.millis() : record.trackingSince();
        // A run already ended when it was submitted or adopted still owes its terminal event: take its status as
        // not yet seen, so the first poll publishes it.
        String known = RunStatus.of(record.status()).terminal() ? null : record.status();
        TrackedRun tracked = new TrackedRun(lease, command, record.commandHash(), record.runId(), known,
                record.sequence(), record.attempts(), record.firstAttemptAt(), trackingSince, schedule.initialMs());
        // A TRACKING record holds a run ID AI Hub gave: the run was seen, so a 404 means it was deleted.
        tracked.seen = true;
        tracked.trace = CommandTrace.forResumedRun(record.traceparent(), record.commandId());
        runs.put(command.commandId(), tracked);
        return tracked;
    }

    private Uni<Void> republishThenPoll(TrackedRun tracked, LedgerRecord record, long firstPollMs) {
        return Uni.createFrom().<Void> emitter(done -> CommandTrace.runIn(vertx, tracked.trace,
                () -> recorder.republish(tracked, record)
                        .onFailure(failure -> !(failure instanceof LeaseEndedException)).retry()
                        .withBackOff(Duration.ofMillis(200)).atMost(REPUBLISH_ATTEMPTS)
                        .subscribe().with(ok -> {
                            steps.scheduleNext(tracked, firstPollMs);
                            done.complete(null);
                        }, failure -> {
                            if (!(failure instanceof LeaseEndedException) && record.event() != null) {
                                tracked.unpublished = new StatusEvent(record.commandId(), record.sequence(),
                                        EventType.ofCeType(record.eventType()),
                                        Instant.ofEpochMilli(record.eventTime()), record.event());
                            }
                            steps.scheduleNext(tracked, tracked.intervalMs);
                            done.complete(null);
                        })));
    }

    /** The command without its settings, which only the submission needed: less memory per tracked run. */
    private static RunCommand lean(RunCommand command) {
        return command.settings().isEmpty() ? command
                : new RunCommand(command.commandId(), command.target(), command.input(), command.version(),
                        command.outputWorkspace(), command.outputDir(), Optional.empty(), command.ibContext(),
                        command.metadata(), command.results(), command.secrets());
    }

    /**
     * Stops following the runs of revoked partitions (their next owner resumes them from the ledger): no step begins
     * any more; completes when the steps under way (a poll and its writes) have ended.
     */
    public CompletableFuture<Void> stopPartitions(Collection<Integer> partitions) {
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        runs.values().removeIf(tracked -> {
            if (partitions.contains(tracked.partition)) {
                steps.add(tracked.stop());
                vertx.cancelTimer(tracked.timerId);
                return true;
            }
            return false;
        });
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    /** How many runs are being followed. */
    public int trackedCount() {
        return runs.size();
    }

    /** True when the command's run is being followed by this replica. */
    public boolean isTracking(String commandId) {
        return runs.containsKey(commandId);
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
