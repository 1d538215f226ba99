package io.aihub.worker.intake;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
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
     * After a restore, settles the commands left {@code submitting} by a previous owner: one whose record will be
     * delivered again (at or after the committed offset) has its run, if any, adopted at once by one search by tag,
     * else waits for that record; one whose record will not come back (an orphan: its offset was committed) is
     * reconciled until its run is found or surely absent, and then ends, never left forever.
     */
    public void settle(Lease lease, long committedOffset) {
        for (LedgerRecord intent : ledger.submittingOn(lease.partition())) {
            RunCommand command = LedgerRecords.command(intent, masking);
            boolean orphan = intent.sourceOffset() != null && committedOffset >= 0
                    && intent.sourceOffset() < committedOffset;
            claims.withClaim(command.commandId(), () -> {
                boolean stillSubmitting = ledger.get(command.commandId())
                        .map(r -> r.state() == LedgerRecord.State.SUBMITTING).orElse(false);
                if (!stillSubmitting || !lease.isValid()) {
                    return Uni.createFrom().voidItem();
                }
                return orphan ? settleOrphan(lease, intent, command) : adopt(lease, intent, command);
            }).subscribe().with(ok -> {
            }, failure -> CommandLog.debug(LOG, command.commandId(), null,
                    "settling after restore failed (%s); its record or the next restore tries again",
                    failure.getClass().getSimpleName()));
        }
    }

    private Uni<Void> adopt(Lease lease, LedgerRecord intent, RunCommand command) {
        Instant firstAttempt = CommandHandler.firstAttempt(intent);
        return submitter.findExisting(command, firstAttempt).chain(found -> found.isPresent() && lease.isValid()
                ? tracker.start(lease, command, intent.commandHash(), found.get(), Math.max(1, intent.attempts()),
                        intent.sequence() + 1, firstAttempt.toEpochMilli())
                        .invoke(() -> CommandLog.info(LOG, command.commandId(), found.get().id(),
                                "run %s adopted after restore", found.get().id()))
                : Uni.createFrom().voidItem());
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

}
