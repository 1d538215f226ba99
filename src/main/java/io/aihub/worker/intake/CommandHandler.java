package io.aihub.worker.intake;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.command.ReplayHeaders;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.event.DeadLetterPublisher;
import io.aihub.worker.event.EventData;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerRecords;
import io.aihub.worker.ledger.LedgerVerdict;
import io.aihub.worker.ledger.LedgerView;
import io.aihub.worker.ledger.LedgerWriter;
import io.aihub.worker.metrics.WorkerMetrics;
import io.aihub.worker.observability.CommandLog;
import io.aihub.worker.submit.ReplayReopening;
import io.aihub.worker.submit.SubmissionOutcome;
import io.aihub.worker.submit.Submitter;
import io.aihub.worker.track.RunTracker;
import io.smallrye.mutiny.Uni;

/**
 * Takes one command from intake to its first durable outcome. Under the command ID's claim it consults the ledger:
 * a known command is a duplicate (no event), one left {@code submitting} is reconciled before any POST, a new one
 * gets its intent recorded before the POST. The outcome is a {@code submitted} ledger record and event (the tracker
 * then follows the run), or a {@code rejected}/{@code submission_failed} event, a dead letter and a ledger record.
 * The returned {@link Uni} completes when that outcome is acknowledged, which is when the offset may be committed.
 */
@ApplicationScoped
public class CommandHandler {

    private static final Logger LOG = Logger.getLogger(CommandHandler.class);

    private final Submitter submitter;
    private final RunTracker tracker;
    private final EventPublisher events;
    private final DeadLetterPublisher deadLetters;
    private final LedgerView ledger;
    private final LedgerWriter ledgerWriter;
    private final WorkerMetrics metrics;
    private final CommandClaims claims = new CommandClaims();
    private final ReplayReopening reopening;
    private final SecretMasking masking;
    // Millisecond ticks: event times survive the ledger (Unix ms) unchanged, so a republished event is identical.
    private final Clock clock = Clock.tickMillis(ZoneOffset.UTC);

    @Inject
    public CommandHandler(Submitter submitter, RunTracker tracker, EventPublisher events,
            DeadLetterPublisher deadLetters, LedgerView ledger, LedgerWriter ledgerWriter, WorkerMetrics metrics,
            ReplayReopening reopening, SecretMasking masking) {
        this.submitter = submitter;
        this.masking = masking;
        this.reopening = reopening;
        this.tracker = tracker;
        this.events = events;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.ledgerWriter = ledgerWriter;
        this.metrics = metrics;
    }

    /**
     * Rejects an invalid record: a dead letter always; a {@code rejected} event and ledger record when a command ID
     * could be read and that command has not already run (a malformed copy of a known command adds no event).
     */
    public Uni<Void> reject(CommandRecord record, ParseResult.Invalid invalid, Lease lease) {
        CommandLog.info(LOG, invalid.commandId().orElse(null), null, "record %s rejected: %s", record, invalid.code());
        DeadLetterPublisher.Cause cause = DeadLetterPublisher.Cause.rejection(invalid.code(), invalid.reason());
        Uni<Void> outcome = invalid.commandId()
                .map(id -> claims.withClaim(id, () -> rejectKnownId(record, id, invalid, cause, lease)))
                .orElseGet(() -> deadLetters.send(record, cause));
        return outcome.invoke(() -> {
            metrics.commandOutcome("rejected");
            metrics.deadLetter(invalid.code());
        });
    }

    private Uni<Void> rejectKnownId(CommandRecord record, String commandId, ParseResult.Invalid invalid,
            DeadLetterPublisher.Cause cause, Lease lease) {
        if (!lease.isValid()) {
            // The partition moved while this record waited for its claim: the new owner decides.
            return Uni.createFrom().voidItem();
        }
        Optional<LedgerRecord> known = ledger.get(commandId);
        if (known.isPresent() && known.get().state().blocksResubmission()) {
            return deadLetters.send(record, cause);
        }
        long sequence = known.map(LedgerRecord::sequence).orElse(0L) + 1;
        StatusEvent event = EventFactory.rejected(commandId, sequence, invalid.code(), invalid.reason(),
                invalid.metadata(), clock.instant());
        LedgerRecord rejected = LedgerRecords.rejected(commandId, sequence, LedgerRecords.hash(record.value()),
                clock.millis());
        return events.publish(event).chain(() -> deadLetters.send(record, cause))
                .chain(() -> ledgerWriter.write(record.partition(), rejected));
    }

    /** Submits a valid command and hands its run to the tracker, unless the ledger says it has run already. */
    public Uni<Void> run(CommandRecord record, RunCommand command, Lease lease) {
        return claims.withClaim(command.commandId(), () -> runClaimed(record, command, lease));
    }

    /** {@code owned} was taken when the record arrived: a revoke and reassign while it waited voids it. */
    private Uni<Void> runClaimed(CommandRecord record, RunCommand command, Lease lease) {
        int partition = record.partition();
        if (!lease.isValid()) {
            return Uni.createFrom().voidItem();
        }
        String hash = LedgerRecords.hash(record.value());
        Optional<LedgerRecord> known = ledger.get(command.commandId());
        if (known.isPresent() && known.get().state() == LedgerRecord.State.SUBMITTING) {
            LedgerRecord intent = known.get();
            Instant firstAttempt = Instant.ofEpochMilli(intent.firstAttemptAt() == null ? intent.updatedAt()
                    : intent.firstAttemptAt());
            CommandLog.info(LOG, command.commandId(), intent.runId(),
                    "found submitting in the ledger; reconciling before any POST");
            return submitter.resume(command, firstAttempt, lease).chain(outcome -> afterSubmission(record, command,
                    hash, intent.sequence(), firstAttempt, lease, outcome));
        }
        if (known.isPresent() && ReplayHeaders.isReplay(record.headers())
                && LedgerVerdict.reopensOnReplay(known.get())) {
            return reopen(record, command, hash, known.get(), lease);
        }
        if (known.isPresent() && known.get().state().blocksResubmission()) {
            CommandLog.info(LOG, command.commandId(), known.get().runId(),
                    "duplicate of a command in state %s; nothing submitted",
                    known.get().state());
            metrics.commandOutcome("duplicate");
            return Uni.createFrom().voidItem();
        }
        long sequence = known.map(LedgerRecord::sequence).orElse(0L);
        Instant now = clock.instant();
        LedgerRecord intent = LedgerRecords.submitting(command, hash, sequence, now.toEpochMilli());
        return ledgerWriter.write(partition, intent)
                .chain(() -> submitter.submit(command, lease))
                .chain(outcome -> afterSubmission(record, command, hash, sequence, now, lease, outcome));
    }

    /**
     * A replayed dead letter of a command that ended {@code SUBMISSION_FAILED} reopens it (design.md, "Replay"): a
     * new intent continues its event sequence, then a search by tag and, with no run found, a new submission.
     */
    private Uni<Void> reopen(CommandRecord record, RunCommand command, String hash, LedgerRecord failed,
            Lease lease) {
        int partition = record.partition();
        long sequence = failed.sequence();
        Instant now = clock.instant();
        CommandLog.info(LOG, command.commandId(), null, "replayed after SUBMISSION_FAILED; reopened");
        LedgerRecord intent = LedgerRecords.submitting(command, hash, sequence, now.toEpochMilli());
        return ledgerWriter.write(partition, intent)
                .chain(() -> reopening.submit(command, failed, lease))
                .chain(outcome -> afterSubmission(record, command, hash, sequence, now, lease, outcome));
    }

    /**
     * After a restore, adopts the runs of commands left {@code submitting} by a previous owner that crashed after its
     * POST: one search by tag each, and a run found is recorded and followed at once instead of waiting for the
     * command record's redelivery. A command without a run is left to its redelivered record.
     */
    public void adoptSubmitting(Lease lease) {
        int partition = lease.partition();
        for (LedgerRecord intent : ledger.submittingOn(partition)) {
            RunCommand command = LedgerRecords.command(intent, masking);
            Instant firstAttempt = Instant.ofEpochMilli(intent.firstAttemptAt() == null ? intent.updatedAt()
                    : intent.firstAttemptAt());
            claims.withClaim(command.commandId(), () -> {
                boolean stillSubmitting = ledger.get(command.commandId())
                        .map(r -> r.state() == LedgerRecord.State.SUBMITTING).orElse(false);
                if (!stillSubmitting || !lease.isValid()) {
                    return Uni.createFrom().voidItem();
                }
                return submitter.findExisting(command, firstAttempt).chain(found -> found.isPresent() && lease.isValid()
                        ? tracker.start(lease, command, intent.commandHash(), found.get(), Math.max(1, intent.attempts()),
                                intent.sequence() + 1, firstAttempt.toEpochMilli())
                                .invoke(() -> CommandLog.info(LOG, command.commandId(), found.get().id(),
                                        "run %s adopted after restore",
                                        found.get().id()))
                        : Uni.createFrom().voidItem());
            }).subscribe().with(ok -> {
            }, failure -> CommandLog.debug(LOG, command.commandId(), null,
                    "adoption failed (%s); its record will reconcile", failure.getClass().getSimpleName()));
        }
    }

    private Uni<Void> afterSubmission(CommandRecord record, RunCommand command, String hash, long sequence,
            Instant firstAttempt, Lease lease, SubmissionOutcome outcome) {
        if (outcome instanceof SubmissionOutcome.Submitted submitted) {
            if (!lease.isValid()) {
                // The new owner finds the run by its tag and follows it.
                return Uni.createFrom().voidItem();
            }
            return tracker.start(lease, command, hash, submitted.run(), submitted.attempts(), sequence + 1,
                    firstAttempt.toEpochMilli()).invoke(() -> metrics.commandOutcome("submitted"));
        }
        if (outcome instanceof SubmissionOutcome.Abandoned) {
            return Uni.createFrom().voidItem();
        }
        if (!lease.isValid()) {
            return Uni.createFrom().voidItem();
        }
        return submissionFailed(record, command, hash, sequence + 1, firstAttempt, (SubmissionOutcome.Failed) outcome);
    }

    private Uni<Void> submissionFailed(CommandRecord record, RunCommand command, String hash, long sequence,
            Instant firstAttempt, SubmissionOutcome.Failed failed) {
        EventData.Error error = new EventData.Error(failed.code().name(), failed.httpStatus().orElse(null),
                failed.message());
        StatusEvent event = EventFactory.forFailure(command, sequence, EventType.SUBMISSION_FAILED, Optional.empty(),
                Optional.empty(), failed.attempts(), error, clock.instant());
        var cause = new DeadLetterPublisher.Cause(failed.code(), failed.deadLetterReason(), failed.httpStatus(),
                failed.attempts(), Optional.of(failed.firstFailureAt()));
        LedgerRecord ended = LedgerRecords.submissionFailed(command, hash, event, failed.attempts(),
                firstAttempt.toEpochMilli(), clock.millis());
        return events.publish(event)
                .chain(() -> deadLetters.send(record, cause))
                .chain(() -> ledgerWriter.write(record.partition(), ended))
                .invoke(() -> {
                    metrics.commandOutcome("submission_failed");
                    metrics.deadLetter(failed.code());
                });
    }
}
