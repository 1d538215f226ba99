package io.aihub.worker.messaging;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.event.DeadLetterPublisher;
import io.aihub.worker.event.EventData;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.event.EventType;
import io.aihub.worker.metrics.WorkerMetrics;
import io.aihub.worker.submit.SubmissionOutcome;
import io.aihub.worker.submit.Submitter;
import io.aihub.worker.track.RunTracker;
import io.smallrye.mutiny.Uni;

/**
 * Takes one command from intake to its first durable outcome: a {@code submitted} event (the run is then followed
 * by the tracker), or a {@code rejected}/{@code submission_failed} event and a dead letter. The returned {@link Uni}
 * completes when that outcome is acknowledged by the broker, which is when the record's offset may be committed.
 */
@ApplicationScoped
public class CommandHandler {

    private static final Logger LOG = Logger.getLogger(CommandHandler.class);

    private final Submitter submitter;
    private final RunTracker tracker;
    private final EventPublisher events;
    private final DeadLetterPublisher deadLetters;
    private final WorkerMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    @Inject
    public CommandHandler(Submitter submitter, RunTracker tracker, EventPublisher events,
            DeadLetterPublisher deadLetters, WorkerMetrics metrics) {
        this.metrics = metrics;
        this.submitter = submitter;
        this.tracker = tracker;
        this.events = events;
        this.deadLetters = deadLetters;
    }

    /** Rejects an invalid record: a {@code rejected} event when a command ID could be read, then a dead letter. */
    public Uni<Void> reject(CommandRecord record, ParseResult.Invalid invalid) {
        LOG.infof("record %s rejected: %s (command %s)", record, invalid.code(), invalid.commandId().orElse("unknown"));
        Uni<Void> event = invalid.commandId()
                .map(id -> events.publish(EventFactory.rejected(id, invalid.code(), invalid.reason(), clock.instant())))
                .orElseGet(() -> Uni.createFrom().voidItem());
        return event.chain(() -> deadLetters.send(record,
                DeadLetterPublisher.Cause.rejection(invalid.code(), invalid.reason())))
                .invoke(() -> {
                    metrics.commandOutcome("rejected");
                    metrics.deadLetter(invalid.code());
                });
    }

    /** Submits a valid command and hands its run to the tracker. */
    public Uni<Void> run(CommandRecord record, RunCommand command) {
        return submitter.submit(command).chain(outcome -> {
            if (outcome instanceof SubmissionOutcome.Submitted submitted) {
                return tracker.start(command, submitted.run(), submitted.attempts())
                        .invoke(() -> metrics.commandOutcome("submitted"));
            }
            return submissionFailed(record, command, (SubmissionOutcome.Failed) outcome);
        });
    }

    private Uni<Void> submissionFailed(CommandRecord record, RunCommand command, SubmissionOutcome.Failed failed) {
        EventData.Error error = new EventData.Error(failed.code().name(), failed.httpStatus().orElse(null),
                failed.message());
        var event = EventFactory.forFailure(command, 1, EventType.SUBMISSION_FAILED, Optional.empty(),
                Optional.empty(), failed.attempts(), error, clock.instant());
        var cause = new DeadLetterPublisher.Cause(failed.code(), "submission failed", failed.httpStatus(),
                failed.attempts(), Optional.of(failed.firstFailureAt()));
        return events.publish(event).chain(() -> deadLetters.send(record, cause)).invoke(() -> {
            metrics.commandOutcome("submission_failed");
            metrics.deadLetter(failed.code());
        });
    }
}
