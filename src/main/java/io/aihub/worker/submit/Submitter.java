package io.aihub.worker.submit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.AiHubHttpException;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.NotSentException;
import io.aihub.worker.aihub.OutageDetector;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.SubmitAnswer;
import io.aihub.worker.aihub.SubmitGate;
import io.aihub.worker.aihub.TagSearch;
import io.aihub.worker.command.ErrorCode;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.flow.BackoffSlots;
import io.aihub.worker.ledger.SubmissionGuard;
import io.aihub.worker.metrics.WorkerMetrics;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.observability.VertxContexts;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Submits a command's run to AI Hub and reports the outcome; the returned {@link Uni} never fails. Transient
 * failures are retried with backoff (timers, not sleeping threads). After an unknown outcome — a run may have been
 * created — the {@link Reconciler} searches for it before any new POST (design.md, guarantee 2c).
 * During an AI Hub outage ({@link OutageDetector}) failed attempts do not count and the retry clock stops: the
 * command waits for the recovery, then goes on.
 */
@ApplicationScoped
public class Submitter {

    private static final Logger LOG = Logger.getLogger(Submitter.class);

    private final AiHubClient client;
    private final RetryPolicy policy;
    private final WorkerMetrics metrics;
    private final OutageDetector outage;
    private final BackoffSlots backoff;
    private final Reconciler reconciler;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public Submitter(AiHubClient client, WorkerConfig worker, WorkerMetrics metrics,
            OutageDetector outage, BackoffSlots backoff, Reconciler reconciler) {
        this.backoff = backoff;
        this.reconciler = reconciler;
        this.client = client;
        this.outage = outage;
        this.metrics = metrics;
        this.policy = RetryPolicy.withRandomJitter(worker.retry());
    }

    /** Submits {@code command}, retrying and reconciling as needed, while this replica owns its partition. */
    public Uni<SubmissionOutcome> submit(RunCommand command, SubmissionGuard guard) {
        return post(command, RunRequestFactory.body(command), new Attempts(guard, clock.instant()));
    }

    /**
     * Resumes a command whose intent to POST was recorded but whose outcome is unknown (found in the ledger as
     * {@code submitting}): List runs is searched first, and a POST is sent only once the last one, which may have
     * been sent just before a crash, has settled.
     */
    public Uni<SubmissionOutcome> resume(RunCommand command, Instant firstAttemptAt, SubmissionGuard guard) {
        Attempts attempts = new Attempts(guard, clock.instant());
        attempts.firstPostStart = firstAttemptAt;
        attempts.lastPostStart = clock.instant();
        attempts.outcomeUnknown = true;
        ObjectNode body = RunRequestFactory.body(command);
        return reconciler.reconcile(command, attempts, () -> post(command, body, attempts));
    }

    /**
     * Settles a command left {@code submitting} whose record will not be delivered again: its run is searched for
     * by tag until found, or surely absent once the last POST (taken as now) has settled; absent, it fails
     * {@code ORPHANED_SUBMISSION} (the settings to post it again are not in the ledger). Never posts.
     */
    public Uni<SubmissionOutcome> settleOrphan(RunCommand command, Instant firstAttemptAt, SubmissionGuard guard) {
        Attempts attempts = new Attempts(guard, clock.instant());
        attempts.firstPostStart = firstAttemptAt;
        attempts.lastPostStart = clock.instant();
        attempts.outcomeUnknown = true;
        return reconciler.reconcile(command, attempts, () -> Uni.createFrom().item(new SubmissionOutcome.Failed(
                ErrorCode.ORPHANED_SUBMISSION, Optional.empty(), "left submitting by an earlier owner, no run with its "
                        + "tag, and its record was already committed",
                0, clock.instant())));
    }

    /**
     * The runs that already carry the tags of {@code commands} (one listing, no waiting), each as soon as it is
     * listed; the commands share their context and target. A command whose run is not listed gets none.
     */
    public Multi<Run> findExisting(List<RunCommand> commands, Instant firstAttemptAt) {
        return reconciler.searchAll(commands, firstAttemptAt);
    }

    /** The same search, saying why nothing was found: no run listed, or a listing that cannot show tags. */
    public Uni<TagSearch> searchExisting(RunCommand command, Instant firstAttemptAt) {
        return reconciler.search(command, firstAttemptAt);
    }

    private Uni<SubmissionOutcome> post(RunCommand command, ObjectNode body, Attempts attempts) {
        if (!attempts.guard.mayPost()) {
            return abandoned(command, attempts);
        }
        if (outage.inOutage()) {
            // No POST while AI Hub is in an outage: a command fetched just before intake paused waits like one in
            // backoff, on a frozen retry clock, and posts once AI Hub answers again.
            return waitOutOutage(command, body, attempts);
        }
        SubmitGate gate = new PostGate(attempts, clock);
        Uni<SubmitAnswer> call = command.target() instanceof Target.Deployment deployment
                ? client.submitDeployment(command.ibContext(), deployment.deploymentId(), body, gate)
                : client.submitApp(command.ibContext(), body, gate);
        return call.<SubmissionOutcome> map(answer -> {
            metrics.submissionAttempt(answer.httpStatus());
            return new SubmissionOutcome.Submitted(answer.run(), attempts.posts);
        }).onFailure().recoverWithUni(failure -> {
            if (FailureClassifier.unwrap(failure) instanceof NotSentException && !attempts.guard.mayPost()) {
                return abandoned(command, attempts);
            }
            metrics.submissionAttempt(FailureClassifier.httpStatus(failure));
            return afterFailure(command, body, attempts, failure);
        });
    }

    private Uni<SubmissionOutcome> abandoned(RunCommand command, Attempts attempts) {
        CommandLog.info(LOG, command.commandId(), null, "partition revoked; no POST is sent");
        return Uni.createFrom().item(new SubmissionOutcome.Abandoned(attempts.posts));
    }

    private Uni<SubmissionOutcome> afterFailure(RunCommand command, ObjectNode body, Attempts attempts,
            Throwable failure) {
        if (attempts.firstFailureAt == null) {
            attempts.firstFailureAt = clock.instant();
        }
        FailureClassifier.Kind kind = FailureClassifier.classify(failure);
        int status = FailureClassifier.httpStatus(failure);
        if (kind == FailureClassifier.Kind.PERMANENT) {
            ErrorCode code = FailureClassifier.unwrap(failure) instanceof IllegalArgumentException
                    ? ErrorCode.REQUEST_INVALID
                    : ErrorCode.AIHUB_REJECTED;
            return Uni.createFrom().item(failed(command, code, failure, attempts));
        }
        attempts.outcomeUnknown |= kind == FailureClassifier.Kind.UNKNOWN_OUTCOME;
        attempts.countedFailures.add(clock.millis());
        if (outage.inOutage()) {
            return waitOutOutage(command, body, attempts);
        }
        if (!policy.mayRetry(attempts.countedFailures.size(), attempts.elapsed(clock.instant()))) {
            Supplier<Uni<SubmissionOutcome>> giveUp = () -> Uni.createFrom()
                    .item(failed(command, ErrorCode.RETRIES_EXHAUSTED, failure, attempts));
            // An outage the detector has not seen yet (a lone command) does not use up the retries.
            return outage.outageBeforeGivingUp(failure).chain(down -> {
                if (down) {
                    return waitOutOutage(command, body, attempts);
                }
                // Out of retries, a run may still exist from an attempt whose answer was lost: look before giving up.
                return attempts.outcomeUnknown ? reconciler.reconcile(command, attempts, giveUp) : giveUp.get();
            });
        }
        Optional<Duration> retryAfter = FailureClassifier.unwrap(failure) instanceof AiHubHttpException http
                ? http.retryAfter()
                : Optional.empty();
        Duration delay = policy.delay(attempts.posts, retryAfter);
        metrics.retry(kind.name());
        retryAfter.ifPresent(asked -> metrics.retryAfterWaited(delay));
        CommandLog.info(LOG, command.commandId(), null, "attempt %d failed (%s, HTTP %d); next in %d ms", attempts.posts,
                kind, status, delay.toMillis());
        Uni<Void> wait = backoff.outsideWindow(command.commandId(), VertxContexts.delay(delay));
        if (!attempts.outcomeUnknown) {
            return wait.chain(() -> post(command, body, attempts));
        }
        return wait.chain(() -> reconciler.reconcile(command, attempts, () -> post(command, body, attempts)));
    }

    /**
     * AI Hub is in an outage: the failures since it began are taken off the budget, the command waits for the
     * recovery, and the time waited is taken off the retry clock. Then it goes on as after any retry.
     */
    private Uni<SubmissionOutcome> waitOutOutage(RunCommand command, ObjectNode body, Attempts attempts) {
        long since = outage.failingSince();
        long outageStart = since < 0 ? clock.millis() : since;
        attempts.countedFailures.removeIf(at -> at >= outageStart);
        Instant freezeFrom = latest(Instant.ofEpochMilli(outageStart), attempts.budgetStart, attempts.lastThaw);
        CommandLog.info(LOG, command.commandId(), null,
                "AI Hub is in an outage; waiting for it to answer again (attempt %d not counted)", attempts.posts);
        return backoff.outsideWindow(command.commandId(), outage.awaitRecovery()).chain(() -> {
            Instant now = clock.instant();
            if (now.isAfter(freezeFrom)) {
                attempts.frozen = attempts.frozen.plus(Duration.between(freezeFrom, now));
            }
            attempts.lastThaw = now;
            return attempts.outcomeUnknown ? reconciler.reconcile(command, attempts, () -> post(command, body, attempts))
                    : post(command, body, attempts);
        });
    }

    private static Instant latest(Instant a, Instant b, Instant c) {
        Instant ab = a.isAfter(b) ? a : b;
        return ab.isAfter(c) ? ab : c;
    }

    private SubmissionOutcome.Failed failed(RunCommand command, ErrorCode code, Throwable failure, Attempts attempts) {
        int status = FailureClassifier.httpStatus(failure);
        CommandLog.info(LOG, command.commandId(), null, "submission failed (%s, HTTP %d, %d attempts)", code, status,
                attempts.posts);
        return new SubmissionOutcome.Failed(code, status == 0 ? Optional.empty() : Optional.of(status),
                describe(command, failure), attempts.posts,
                attempts.firstFailureAt == null ? clock.instant() : attempts.firstFailureAt);
    }

    /**
     * A description of the failure that quotes no secret: AI Hub's message is masked of the command's secrets and the
     * API token (before it is shortened, so no secret is cut in half), transport errors named.
     */
    private String describe(RunCommand command, Throwable failure) {
        Throwable cause = FailureClassifier.unwrap(failure);
        if (cause instanceof AiHubHttpException http) {
            String serviceMessage = command.secrets().scrub(http.serviceMessage());
            serviceMessage = serviceMessage.length() > 500 ? serviceMessage.substring(0, 500) + "…" : serviceMessage;
            return "AI Hub answered HTTP " + http.status() + (serviceMessage.isEmpty() ? "" : ": " + serviceMessage);
        }
        return "AI Hub call failed: " + cause.getClass().getSimpleName();
    }
}
