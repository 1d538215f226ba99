package io.aihub.worker.intake;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.command.ErrorCode;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.command.ReplayHeaders;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.event.DeadLetterPublisher;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.flow.BackoffSlots;
import io.aihub.worker.flow.InFlightWindow;
import io.aihub.worker.flow.KeyOrdering;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LeaseEndedException;
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
 * Takes one received record to its first durable outcome. In key order ({@code worker.ordering=key}) and under its
 * command ID's claim, and only then holding an in-flight slot (so a record waiting for its key or ID never holds a
 * slot the one it waits for needs), it consults the ledger: a known command is a duplicate (no event), one left
 * {@code submitting} is reconciled before any POST, a new one gets its intent recorded before the POST. The outcome
 * is a {@code submitted} ledger record and event (the tracker then follows the run), or a {@code rejected} or
 * {@code submission_failed} event, a dead letter and a ledger record, each written under the partition's lease.
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
    private final ReplayReopening reopening;
    private final KeyOrdering ordering;
    private final InFlightWindow window;
    private final BackoffSlots backoff;
    private final CommandClaims claims;
    private final FailedOutcomes failures;
    // Millisecond ticks: event times survive the ledger (Unix ms) unchanged, so a republished event is identical.
    private final Clock clock = Clock.tickMillis(ZoneOffset.UTC);

    @Inject
    public CommandHandler(Submitter submitter, RunTracker tracker, EventPublisher events,
            DeadLetterPublisher deadLetters, LedgerView ledger, LedgerWriter ledgerWriter, WorkerMetrics metrics,
            ReplayReopening reopening, KeyOrdering ordering, InFlightWindow window, BackoffSlots backoff,
            CommandClaims claims, FailedOutcomes failures) {
        this.claims = claims;
        this.failures = failures;
        this.submitter = submitter;
        this.tracker = tracker;
        this.events = events;
        this.deadLetters = deadLetters;
        this.ledger = ledger;
        this.ledgerWriter = ledgerWriter;
        this.metrics = metrics;
        this.reopening = reopening;
        this.ordering = ordering;
        this.window = window;
        this.backoff = backoff;
    }

    /** Handles one received record: a valid command is run, an invalid one rejected. */
    public Uni<Void> handle(CommandRecord record, ParseResult result, Lease lease) {
        if (result instanceof ParseResult.Parsed parsed) {
            String id = parsed.command().commandId();
            return ordering.inOrder(record.key(),
                    () -> claims.withClaim(id, () -> withSlot(id, () -> run(record, parsed.command(), lease))));
        }
        ParseResult.Invalid invalid = (ParseResult.Invalid) result;
        CommandLog.info(LOG, invalid.commandId().orElse(null), null, "record %s rejected: %s", record, invalid.code());
        return ordering.inOrder(record.key(), () -> invalid.commandId()
                .map(id -> claims.withClaim(id, () -> withSlot(id, () -> reject(record, id, invalid, lease))))
                .orElseGet(() -> withSlot(null, () -> deadLetter(record, invalid, lease))));
    }

    /** Holds an in-flight slot while {@code work} runs; a command in backoff gives it back meanwhile. */
    private Uni<Void> withSlot(String commandId, Supplier<Uni<Void>> work) {
        return window.admit().chain(() -> {
            if (commandId != null) {
                backoff.admitted(commandId);
            }
            return Uni.createFrom().<Void> deferred(work::get).eventually(() -> {
                if (commandId != null) {
                    backoff.finished(commandId);
                }
                window.release();
            });
        });
    }

    private Uni<Void> deadLetter(CommandRecord record, ParseResult.Invalid invalid, Lease lease) {
        DeadLetterPublisher.Cause cause = DeadLetterPublisher.Cause.rejection(invalid.code(), invalid.reason());
        return lease.write(() -> deadLetters.send(record, cause, lease::isValid)).invoke(() -> {
            metrics.commandOutcome("rejected");
            metrics.deadLetter(invalid.code());
        });
    }

    /**
     * An invalid record whose command ID could be read: a dead letter always; a {@code rejected} event and ledger
     * record unless that command has already run (a malformed copy of a known command adds no event).
     */
    private Uni<Void> reject(CommandRecord record, String commandId, ParseResult.Invalid invalid, Lease lease) {
        Optional<LedgerRecord> known = ledger.get(commandId);
        if (known.isPresent() && known.get().state().blocksResubmission()) {
            return deadLetter(record, invalid, lease);
        }
        long sequence = known.map(LedgerRecord::sequence).orElse(0L) + 1;
        StatusEvent event = EventFactory.rejected(commandId, sequence, invalid.code(), invalid.reason(),
                invalid.metadata(), clock.instant());
        LedgerRecord rejected = LedgerRecords.rejected(commandId, sequence, LedgerRecords.hash(record.value()),
                clock.millis());
        return lease.write(() -> events.publish(event, lease::isValid)).chain(() -> deadLetter(record, invalid, lease))
                .chain(() -> ledgerWriter.write(lease, rejected));
    }

    /** Submits a valid command and hands its run to the tracker, unless the ledger says it has run already. */
    private Uni<Void> run(CommandRecord record, RunCommand command, Lease lease) {
        if (!lease.isValid()) {
            // The partition moved while the record waited: the new owner decides, and this record never acks.
            return Uni.createFrom().failure(new LeaseEndedException(lease));
        }
        String hash = LedgerRecords.hash(record.value());
        Optional<LedgerRecord> known = ledger.get(command.commandId());
        if (known.isPresent() && known.get().state() == LedgerRecord.State.SUBMITTING) {
            LedgerRecord intent = known.get();
            Instant firstAttempt = firstAttempt(intent);
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
            return duplicate(record, command, hash, known.get(), lease);
        }
        long sequence = known.map(LedgerRecord::sequence).orElse(0L);
        Instant now = clock.instant();
        LedgerRecord intent = LedgerRecords.submitting(command, hash, sequence, record.offset(), now.toEpochMilli());
        return ledgerWriter.write(lease, intent)
                .chain(() -> submitter.submit(command, lease))
                .chain(outcome -> afterSubmission(record, command, hash, sequence, now, lease, outcome));
    }

    /**
     * A record whose command ID the ledger knows: the same command again starts nothing and publishes nothing; a
     * different command (another value) reusing the ID is dead-lettered, so it is not lost silently.
     */
    private Uni<Void> duplicate(CommandRecord record, RunCommand command, String hash, LedgerRecord known,
            Lease lease) {
        if (known.commandHash() != null && !known.commandHash().equals(hash)) {
            CommandLog.info(LOG, command.commandId(), known.runId(),
                    "another command reuses the ID of a command in state %s; dead-lettered", known.state());
            var cause = DeadLetterPublisher.Cause.rejection(ErrorCode.COMMAND_ID_REUSED,
                    "command_id is already used by a different command");
            return lease.write(() -> deadLetters.send(record, cause, lease::isValid)).invoke(() -> {
                metrics.commandOutcome("rejected");
                metrics.deadLetter(ErrorCode.COMMAND_ID_REUSED);
            });
        }
        CommandLog.info(LOG, command.commandId(), known.runId(), "duplicate of a command in state %s; nothing "
                + "submitted", known.state());
        metrics.commandOutcome("duplicate");
        return Uni.createFrom().voidItem();
    }

    /**
     * A replayed dead letter of a command that ended {@code SUBMISSION_FAILED} reopens it (design.md, "Replay"): a
     * new intent continues its event sequence, then a search by tag and, with no run found, a new submission.
     */
    private Uni<Void> reopen(CommandRecord record, RunCommand command, String hash, LedgerRecord failed,
            Lease lease) {
        long sequence = failed.sequence();
        Instant now = clock.instant();
        CommandLog.info(LOG, command.commandId(), null, "replayed after SUBMISSION_FAILED; reopened");
        LedgerRecord intent = LedgerRecords.submitting(command, hash, sequence, record.offset(), now.toEpochMilli());
        return ledgerWriter.write(lease, intent)
                .chain(() -> reopening.submit(command, failed, lease))
                .chain(outcome -> afterSubmission(record, command, hash, sequence, now, lease, outcome));
    }

    private Uni<Void> afterSubmission(CommandRecord record, RunCommand command, String hash, long sequence,
            Instant firstAttempt, Lease lease, SubmissionOutcome outcome) {
        if (!lease.isValid() || outcome instanceof SubmissionOutcome.Abandoned) {
            // The partition moved: the new owner finds the run by its tag (or posts) and follows it; no ack here.
            return Uni.createFrom().failure(new LeaseEndedException(lease));
        }
        if (outcome instanceof SubmissionOutcome.Submitted submitted) {
            return tracker.start(lease, command, hash, submitted.run(), submitted.attempts(), sequence + 1,
                    firstAttempt.toEpochMilli()).invoke(() -> metrics.commandOutcome("submitted"));
        }
        return failures.submissionFailed(Optional.of(record), command, hash, sequence + 1, firstAttempt,
                (SubmissionOutcome.Failed) outcome, lease);
    }

    /** Where the records taken in wait now, for a stall warning: the in-flight window, claims, keys, backoff. */
    public String stages() {
        return String.format("%d in the in-flight window (%d waiting for a slot), %d command IDs claimed, %d keys "
                + "ordered, %d in backoff", window.inFlight(), window.waiting(), claims.size(), ordering.keys(),
                backoff.waiting());
    }

    static Instant firstAttempt(LedgerRecord intent) {
        return Instant.ofEpochMilli(intent.firstAttemptAt() == null ? intent.updatedAt() : intent.firstAttemptAt());
    }
}
