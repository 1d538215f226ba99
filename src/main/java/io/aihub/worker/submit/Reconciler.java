package io.aihub.worker.submit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.CallKind;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.ListRunsQuery;
import io.aihub.worker.aihub.OutageDetector;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.TagSearch;
import io.aihub.worker.command.ErrorCode;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.TargetFields;
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.flow.BackoffSlots;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.observability.VertxContexts;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Reconciliation after an unknown outcome (design.md, rule 2c): a run may exist, so before any new POST List runs is
 * searched for the command's tag, and "no run exists" is decided only once the last POST's request timeout plus the
 * settle time has passed.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final AiHubClient client;
    private final BackoffSlots backoff;
    private final OutageDetector outage;
    private final RetryPolicy policy;
    private final Duration requestTimeout;
    private final Duration settleTime;
    private final Duration windowMargin;
    private final int pageSize;
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
        this.pageSize = Math.max(1, worker.retry().reconcilePageSize());
    }

    /**
     * Looks for a run carrying the command's tag. Found: the command is submitted. Not found before the last POST
     * has settled: looks again then. Not found after: {@code orElse}.
     */
    Uni<SubmissionOutcome> reconcile(RunCommand command, Attempts attempts, Supplier<Uni<SubmissionOutcome>> orElse) {
        Instant settled = attempts.lastPostStart.plus(requestTimeout).plus(settleTime);
        return Uni.createFrom().deferred(() -> {
            Instant asked = clock.instant();
            return search(command, attempts.firstPostStart).map(result -> new Searched(result, asked));
        }).chain(searched -> {
            TagSearch result = searched.result();
            Instant asked = searched.asked();
            if (result instanceof TagSearch.Found found) {
                CommandLog.info(LOG, command.commandId(), found.run().id(),
                        "run %s found by its tag after an unknown outcome",
                        found.run().id());
                return Uni.createFrom().item(new SubmissionOutcome.Submitted(found.run(), Math.max(1, attempts.posts)));
            }
            if (result instanceof TagSearch.TagsNotListed unseen) {
                return Uni.createFrom().item(runMayExist(command, attempts, unseen));
            }
            // Only a search begun once the POST has settled proves there is no run, however long it took: newest first,
            // a page read earlier missed the run at the head, and the pages after it cannot show it.
            if (asked.isBefore(settled)) {
                // A millisecond more: timers count whole milliseconds, and a search begun a fraction early is repeated.
                return backoff.outsideWindow(command.commandId(),
                        VertxContexts.delay(Duration.between(clock.instant(), settled).plusMillis(1)))
                        .chain(() -> reconcile(command, attempts, orElse));
            }
            // The evidence for what follows (a POST again, or an end): which search, over how many runs, how late.
            CommandLog.info(LOG, command.commandId(), null, "no run with its tag among %d runs listed from %d ms after "
                    + "the last POST started (settled at %d ms); %d POSTs so far", ((TagSearch.NotFound) result).listed(),
                    Duration.between(attempts.lastPostStart, asked).toMillis(),
                    Duration.between(attempts.lastPostStart, settled).toMillis(), attempts.posts);
            return orElse.get();
        }).onFailure().recoverWithUni(failure -> afterFailedSearch(command, attempts, orElse, failure));
    }

    /** What a search found, and when it was asked for. */
    private record Searched(TagSearch result, Instant asked) {
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
            return searchAfterOutage(command, attempts, orElse);
        }
        Instant now = clock.instant();
        if (attempts.firstFailedSearchAt == null) {
            attempts.firstFailedSearchAt = now;
        }
        attempts.failedSearches++;
        boolean permanent = FailureClassifier.classify(failure) == FailureClassifier.Kind.PERMANENT;
        if (permanent) {
            return Uni.createFrom().item(searchFailed(command, attempts, failure, now));
        }
        if (!policy.mayRetry(attempts.failedSearches, Duration.between(attempts.firstFailedSearchAt, now))) {
            return outage.outageBeforeGivingUp(failure).chain(down -> down
                    ? searchAfterOutage(command, attempts, orElse)
                    : Uni.createFrom().item(searchFailed(command, attempts, failure, clock.instant())));
        }
        Duration delay = policy.delay(attempts.failedSearches, Optional.empty());
        return backoff.outsideWindow(command.commandId(), VertxContexts.delay(delay))
                .chain(() -> reconcile(command, attempts, orElse));
    }

    /** Failures during an outage do not count against the search budget: it starts again once AI Hub answers. */
    private Uni<SubmissionOutcome> searchAfterOutage(RunCommand command, Attempts attempts,
            Supplier<Uni<SubmissionOutcome>> orElse) {
        return backoff.outsideWindow(command.commandId(), outage.awaitRecovery()).chain(() -> {
            attempts.failedSearches = 0;
            attempts.firstFailedSearchAt = null;
            return reconcile(command, attempts, orElse);
        });
    }

    private SubmissionOutcome.Failed searchFailed(RunCommand command, Attempts attempts, Throwable failure,
            Instant now) {
        int status = FailureClassifier.httpStatus(failure);
        CommandLog.warn(LOG, command.commandId(), null, "the search for its run failed %d times (last: HTTP %d, "
                + "%s); ends OUTCOME_UNKNOWN: a run may exist", attempts.failedSearches, status,
                FailureClassifier.unwrap(failure).getClass().getSimpleName());
        return new SubmissionOutcome.Failed(ErrorCode.OUTCOME_UNKNOWN,
                status == 0 ? Optional.empty() : Optional.of(status),
                "the outcome of a submission is unknown and the search for its run by tag failed; a run tagged "
                        + command.runTag() + " may exist",
                attempts.posts, attempts.firstFailureAt == null ? now : attempts.firstFailureAt);
    }

    /** Searches for a run with the command's tag started since {@code firstPostStart} (one search, no waiting). */
    Uni<TagSearch> search(RunCommand command, Instant firstPostStart) {
        return TagSearch.in(client.listRuns(CallKind.RECONCILE, command.ibContext(), window(command, firstPostStart)),
                command.runTag());
    }

    /** The runs of the command's target started since {@code firstPostStart}, widened by the margin; newest first. */
    private ListRunsQuery window(RunCommand command, Instant firstPostStart) {
        long from = firstPostStart.minus(windowMargin).getEpochSecond();
        long to = clock.instant().plus(windowMargin).getEpochSecond();
        TargetFields target = TargetFields.of(command);
        return ListRunsQuery.window(from, to, pageSize)
                .forTarget(target.appName(), target.appId(), target.deploymentId()).newestFirst();
    }

    /**
     * One listing for many commands of the same context and target, each started since {@code firstPostStart}: the
     * runs carrying their tags, each as soon as its page is read; the listing stops once every tag is found. A restore
     * settles all the commands a previous owner left submitting this way, rather than paging the same window once per
     * command.
     */
    Multi<Run> searchAll(List<RunCommand> commands, Instant firstPostStart) {
        RunCommand first = commands.get(0);
        Set<String> wanted = commands.stream().map(RunCommand::runTag).collect(Collectors.toSet());
        // Deferred: the tags found belong to one subscription, so a second one lists afresh.
        return Multi.createFrom().deferred(() -> {
            Set<String> found = new HashSet<>();
            return client.listRuns(CallKind.RECONCILE, first.ibContext(), window(first, firstPostStart))
                    .onItem().transformToIterable(run -> run.tags() != null
                            && run.tags().stream().filter(wanted::contains).filter(found::add).count() > 0
                                    ? List.of(run)
                                    : List.<Run> of())
                    // One run per command: once every tag was found, the pages left are not read.
                    .select().first(wanted.size());
        });
    }

    /**
     * The listing cannot show tags, so not finding the run proves nothing and waiting will not change that: the
     * command ends with OUTCOME_UNKNOWN rather than a second POST that could start a second run.
     */
    private SubmissionOutcome.Failed runMayExist(RunCommand command, Attempts attempts,
            TagSearch.TagsNotListed unseen) {
        CommandLog.warn(LOG, command.commandId(), null, "outcome unknown and List runs shows no tags (%d runs listed"
                + " without them): a run may exist, nothing is posted again", unseen.runsWithoutTags());
        return new SubmissionOutcome.Failed(ErrorCode.OUTCOME_UNKNOWN, Optional.empty(), "a run may exist: the outcome"
                + " of a submission is unknown and AI Hub lists runs without tags, so the run cannot be found by its"
                + " tag; look for it in AI Hub before a replay", Math.max(1, attempts.posts),
                attempts.firstFailureAt == null ? clock.instant() : attempts.firstFailureAt);
    }
}
