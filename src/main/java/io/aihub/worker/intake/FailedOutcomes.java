package io.aihub.worker.intake;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.event.DeadLetterPublisher;
import io.aihub.worker.event.EventData;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerRecords;
import io.aihub.worker.ledger.LedgerWriter;
import io.aihub.worker.metrics.WorkerMetrics;
import io.aihub.worker.submit.SubmissionOutcome;
import io.smallrye.mutiny.Uni;

/**
 * The durable outcome of a command whose submission failed: the {@code submission_failed} event, the dead letter
 * (when the command's record is at hand), then the ledger record, each under the partition's lease.
 */
@ApplicationScoped
class FailedOutcomes {

    private final EventPublisher events;
    private final DeadLetterPublisher deadLetters;
    private final LedgerWriter ledgerWriter;
    private final WorkerMetrics metrics;
    // Millisecond ticks: event times survive the ledger (Unix ms) unchanged, so a republished event is identical.
    private final Clock clock = Clock.tickMillis(ZoneOffset.UTC);

    @Inject
    FailedOutcomes(EventPublisher events, DeadLetterPublisher deadLetters, LedgerWriter ledgerWriter,
            WorkerMetrics metrics) {
        this.events = events;
        this.deadLetters = deadLetters;
        this.ledgerWriter = ledgerWriter;
        this.metrics = metrics;
    }

    /** A {@code submission_failed} event, the dead letter (when the record is at hand) and the ENDED record. */
    Uni<Void> submissionFailed(Optional<CommandRecord> record, RunCommand command, String hash, long sequence,
            Instant firstAttempt, SubmissionOutcome.Failed failed, Lease lease) {
        EventData.Error error = new EventData.Error(failed.code().name(), failed.httpStatus().orElse(null),
                failed.message());
        StatusEvent event = EventFactory.forFailure(command, sequence, EventType.SUBMISSION_FAILED, Optional.empty(),
                Optional.empty(), failed.attempts(), error, clock.instant());
        var cause = new DeadLetterPublisher.Cause(failed.code(), failed.deadLetterReason(), failed.httpStatus(),
                failed.attempts(), Optional.of(failed.firstFailureAt()));
        LedgerRecord ended = LedgerRecords.submissionFailed(command, hash, event, failed.attempts(),
                firstAttempt.toEpochMilli(), clock.millis());
        Uni<Void> deadLetter = record.isEmpty() ? Uni.createFrom().voidItem()
                : lease.write(() -> deadLetters.send(record.get(), cause, lease::isValid));
        return lease.write(() -> events.publish(event, lease::isValid))
                .chain(() -> deadLetter)
                .chain(() -> ledgerWriter.write(lease, ended))
                .invoke(() -> {
                    metrics.commandOutcome("submission_failed");
                    metrics.deadLetter(failed.code());
                });
    }

}
