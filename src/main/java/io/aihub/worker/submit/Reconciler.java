package io.aihub.worker.submit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.CallKind;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.ListRunsQuery;
import io.aihub.worker.aihub.OutageDetector;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.ErrorCode;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.TargetFields;
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.flow.BackoffSlots;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.observability.VertxContexts;
import io.smallrye.mutiny.Uni;

/**
 * Reconciliation after an unknown outcome (design.md, rule 2c): a run may exist, so before any new POST List runs is
 * searched for the command's tag, and "no run exists" is decided only once the last POST's request timeout plus the
 * settle time has passed.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final int LIST_PAGE = 100;

    private final AiHubClient client;
    private final BackoffSlots backoff;
    private final OutageDetector outage;
    private final RetryPolicy policy;
    private final Duration requestTimeout;
    private final Duration settleTime;
    private final Duration windowMargin;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public Reconciler(AiHubClient client, BackoffSlots backoff, OutageDetector outage, AiHubConfig aihub,
            WorkerConfig worker) {
        this.client = client;
        this.backoff = backoff;
        this.outage = outage;
        this.policy = RetryPolicy.withRandomJitter(worker.retry());
        this.requestTimeout = aihub.requestTimeout();
        this.settleTime = worker.retry().settleTime();
        this.windowMargin = worker.retry().reconcileWindowMargin();
    }

    /**
     * Looks for a run carrying the command's tag. Found: the command is submitted. Not found before the last POST
     * has settled: looks again then. Not found after: {@code orElse}.
     */
    Uni<SubmissionOutcome> reconcile(RunCommand command, Attempts attempts, Supplier<Uni<SubmissionOutcome>> orElse) {
        Instant settled = attempts.lastPostStart.plus(requestTimeout).plus(settleTime);
        return findRun(command, attempts.firstPostStart).chain(found -> {
            if (found.isPresent()) {
                CommandLog.info(LOG, command.commandId(), found.get().id(),
                        "run %s found by its tag after an unknown outcome",
                        found.get().id());
                return Uni.createFrom().item(new SubmissionOutcome.Submitted(found.get(), Math.max(1, attempts.posts)));
            }
            Duration untilSettled = Duration.between(clock.instant(), settled);
            if (!untilSettled.isNegative() && !untilSettled.isZero()) {
                return backoff.outsideWindow(command.commandId(), VertxContexts.delay(untilSettled))
                        .chain(() -> reconcile(command, attempts, orElse));
            }
            return orElse.get();
        }).onFailure().recoverWithUni(failure -> afterFailedSearch(command, attempts, orElse, failure));
    }

    /**
     * Without a search result nothing can be decided: a run may exist. The search is tried again within the retry
     * budget (an outage does not count against it); a refusal that cannot change (a 4xx) or a spent budget ends the
     * command {@code OUTCOME_UNKNOWN} — never a POST without a search that succeeded (design.md, "Liveness").
     */
    private Uni<SubmissionOutcome> afterFailedSearch(RunCommand command, Attempts attempts,
            Supplier<Uni<SubmissionOutcome>> orElse, Throwable failure) {
        if (!attempts.guard.mayPost()) {
            return Uni.createFrom().item(new SubmissionOutcome.Abandoned(attempts.posts));
        }
        if (outage.inOutage()) {
            return backoff.outsideWindow(command.commandId(), outage.awaitRecovery())
                    .chain(() -> reconcile(command, attempts, orElse));
        }
        Instant now = clock.instant();
        if (attempts.firstFailedSearchAt == null) {
            attempts.firstFailedSearchAt = now;
        }
        attempts.failedSearches++;
        boolean permanent = FailureClassifier.classify(failure) == FailureClassifier.Kind.PERMANENT;
        if (permanent || !policy.mayRetry(attempts.failedSearches,
                Duration.between(attempts.firstFailedSearchAt, now))) {
            int status = FailureClassifier.httpStatus(failure);
            CommandLog.warn(LOG, command.commandId(), null, "the search for its run failed %d times (last: HTTP %d, "
                    + "%s); ends OUTCOME_UNKNOWN: a run may exist", attempts.failedSearches, status,
                    FailureClassifier.unwrap(failure).getClass().getSimpleName());
            return Uni.createFrom().item(new SubmissionOutcome.Failed(ErrorCode.OUTCOME_UNKNOWN,
                    status == 0 ? Optional.empty() : Optional.of(status),
                    "the outcome of a submission is unknown and the search for its run by tag failed; a run tagged "
                            + command.runTag() + " may exist",
                    attempts.posts, attempts.firstFailureAt == null ? now : attempts.firstFailureAt));
        }
        Duration delay = policy.delay(attempts.failedSearches, Optional.empty());
        return backoff.outsideWindow(command.commandId(), VertxContexts.delay(delay))
                .chain(() -> reconcile(command, attempts, orElse));
    }

    /** Looks for a run with the command's tag started since {@code firstPostStart} (one search, no waiting). */
    Uni<Optional<Run>> findRun(RunCommand command, Instant firstPostStart) {
        long from = firstPostStart.minus(windowMargin).getEpochSecond();
        long to = clock.instant().plus(windowMargin).getEpochSecond();
        TargetFields target = TargetFields.of(command);
        ListRunsQuery query = ListRunsQuery.window(from, to, LIST_PAGE)
                .forTarget(target.appName(), target.appId(), target.deploymentId());
        String tag = command.runTag();
        // where(): the first run with the tag anywhere in the listing (first(predicate) would stop at the first miss).
        return client.listRuns(CallKind.RECONCILE, command.ibContext(), query).select().where(run -> run.hasTag(tag))
                .toUni().map(Optional::ofNullable);
    }
}
