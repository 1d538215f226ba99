package io.aihub.worker.intake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.command.TargetFields;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerRecords;
import io.aihub.worker.ledger.LedgerView;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.submit.SubmissionOutcome;
import io.aihub.worker.submit.Submitter;
import io.aihub.worker.track.RunTracker;
import io.smallrye.mutiny.Uni;

/**
 * The commands a restore finds left {@code submitting} by a previous owner: each is settled under its command ID's
 * claim, so a record of it arriving meanwhile waits and then sees the outcome in the ledger.
 */
@ApplicationScoped
public class SubmittingAfterRestore {

    private static final Logger LOG = Logger.getLogger(SubmittingAfterRestore.class);

    private final LedgerView ledger;
    private final Submitter submitter;
    private final RunTracker tracker;
    private final CommandClaims claims;
    private final FailedOutcomes failures;
    private final SecretMasking masking;

    @Inject
    SubmittingAfterRestore(LedgerView ledger, Submitter submitter, RunTracker tracker, CommandClaims claims,
            FailedOutcomes failures, SecretMasking masking) {
        this.masking = masking;
        this.ledger = ledger;
        this.submitter = submitter;
        this.tracker = tracker;
        this.claims = claims;
        this.failures = failures;
    }

    /**
     * After a restore, settles the commands left {@code submitting} by a previous owner: those whose records will be
     * delivered again (at or after the committed offset) have their runs, if any, adopted at once by one listing per
     * context and target, else wait for their records; one whose record will not come back (an orphan: its offset
     * was committed) is reconciled until its run is found or surely absent, and then ends, never left forever.
     */
    public void settle(Lease lease, long committedOffset) {
        Map<Listing, List<Left>> toAdopt = new LinkedHashMap<>();
        for (LedgerRecord intent : ledger.submittingOn(lease.partition())) {
            RunCommand command = LedgerRecords.command(intent, masking);
            boolean orphan = intent.sourceOffset() != null && committedOffset >= 0
                    && intent.sourceOffset() < committedOffset;
            if (orphan) {
                claims.withClaim(command.commandId(), () -> stillSubmitting(lease, command)
                        ? settleOrphan(lease, intent, command)
                        : Uni.createFrom().voidItem())
                        .subscribe().with(ok -> {
                        }, failure -> CommandLog.debug(LOG, command.commandId(), null,
                                "settling after restore failed (%s); the next restore tries again",
                                failure.getClass().getSimpleName()));
            } else {
                toAdopt.computeIfAbsent(Listing.of(command), listing -> new ArrayList<>()).add(new Left(intent, command));
            }
        }
        toAdopt.values().forEach(group -> adopt(lease, group));
    }

    /**
     * Adopts the runs of a group under the claims of all its command IDs, so their records, delivered again meanwhile,
     * wait and then see the outcome in the ledger instead of each searching the same window again.
     */
    private void adopt(Lease lease, List<Left> group) {
        List<String> ids = group.stream().map(left -> left.command().commandId()).toList();
        Instant since = group.stream().map(left -> CommandHandler.firstAttempt(left.intent())).min(Comparator.naturalOrder())
                .orElseThrow();
        claims.withClaims(ids, () -> {
            List<Left> still = group.stream().filter(left -> stillSubmitting(lease, left.command())).toList();
            if (still.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Map<String, Left> byTag = new HashMap<>();
            still.forEach(left -> byTag.put(left.command().runTag(), left));
            // Each run is adopted as soon as its page is read, not when the listing ends.
            // A listing that fails part-way ends quietly: adoptions under way finish (cancelled, they would leave a
            // TRACKING record the view never saw), and the records settle the rest.
            return submitter.findExisting(still.stream().map(Left::command).toList(), since)
                    .onFailure().invoke(failure -> LOG.debugf("the listing for %d commands left submitting failed (%s);"
                            + " their records settle them", still.size(), failure.getClass().getSimpleName()))
                    .onFailure().recoverWithCompletion()
                    .onItem().transformToUniAndMerge(run -> {
                        Left left = run.tags().stream().map(byTag::get).filter(Objects::nonNull).findFirst().orElse(null);
                        return left == null || !lease.isValid() ? Uni.createFrom().voidItem()
                                : start(lease, left, run).onFailure().invoke(failure -> CommandLog.debug(LOG,
                                        left.command().commandId(), run.id(), "adopting after restore failed (%s); its"
                                                + " record tries again",
                                        failure.getClass().getSimpleName()))
                                        .onFailure().recoverWithNull();
                    })
                    .collect().last().replaceWithVoid();
        }).subscribe().with(ok -> {
        }, failure -> LOG.debugf("settling %d commands after restore failed (%s); their records or the next restore "
                + "try again", ids.size(), failure.getClass().getSimpleName()));
    }

    private Uni<Void> start(Lease lease, Left left, Run run) {
        LedgerRecord intent = left.intent();
        RunCommand command = left.command();
        return tracker.start(lease, command, intent.commandHash(), run, Math.max(1, intent.attempts()),
                intent.sequence() + 1, CommandHandler.firstAttempt(intent).toEpochMilli())
                .invoke(() -> CommandLog.info(LOG, command.commandId(), run.id(), "run %s adopted after restore",
                        run.id()));
    }

    private boolean stillSubmitting(Lease lease, RunCommand command) {
        return lease.isValid() && ledger.get(command.commandId())
                .map(r -> r.state() == LedgerRecord.State.SUBMITTING).orElse(false);
    }

    private Uni<Void> settleOrphan(Lease lease, LedgerRecord intent, RunCommand command) {
        Instant firstAttempt = CommandHandler.firstAttempt(intent);
        CommandLog.warn(LOG, command.commandId(), null, "left submitting and its record was committed: reconciling "
                + "it here, as no record will come back for it");
        return submitter.settleOrphan(command, firstAttempt, lease).chain(outcome -> {
            if (outcome instanceof SubmissionOutcome.Submitted submitted && lease.isValid()) {
                return tracker.start(lease, command, intent.commandHash(), submitted.run(),
                        Math.max(1, intent.attempts()), intent.sequence() + 1, firstAttempt.toEpochMilli());
            }
            if (outcome instanceof SubmissionOutcome.Failed failed && lease.isValid()) {
                return failures.submissionFailed(Optional.empty(), command, intent.commandHash(), intent.sequence() + 1,
                        firstAttempt, failed, lease);
            }
            return Uni.createFrom().voidItem();
        });
    }

    /** A command left submitting, with the intent the restore found. */
    private record Left(LedgerRecord intent, RunCommand command) {
    }

    /** What one listing can search: runs of one context and target. */
    private record Listing(String ibContext, String appName, String appId, String deploymentId) {

        static Listing of(RunCommand command) {
            TargetFields target = TargetFields.of(command);
            return new Listing(command.ibContext(), target.appName(), target.appId(), target.deploymentId());
        }
    }
}
