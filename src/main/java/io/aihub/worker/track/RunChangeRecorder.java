package io.aihub.worker.track;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.ResultsPublisher;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.ledger.LeaseEndedException;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerRecords;
import io.aihub.worker.ledger.LedgerWriter;
import io.smallrye.mutiny.Uni;

/**
 * Records one change of a tracked run in the order the ledger's ownership of the event sequence demands
 * (design.md): a non-terminal event is published only after its ledger record is acknowledged; a terminal event
 * (after the results it counts) before its ledger record, so a crash in between leads the next owner to derive the
 * same event again. The event's time comes from the ledger record when it is published again after a restore.
 */
@ApplicationScoped
public class RunChangeRecorder {

    // Millisecond ticks: event times survive the ledger (Unix ms) unchanged, so a republished event is identical.
    private final Clock clock = Clock.tickMillis(ZoneOffset.UTC);
    private final LedgerWriter ledger;
    private final EventPublisher events;
    private final ResultsPublisher results;

    @Inject
    public RunChangeRecorder(LedgerWriter ledger, EventPublisher events, ResultsPublisher results) {
        this.ledger = ledger;
        this.events = events;
        this.results = results;
    }

    /** The clock events are stamped with. */
    Clock clock() {
        return clock;
    }

    /** A new run: its {@code TRACKING} record, then its {@code submitted} event. */
    Uni<Void> submitted(TrackedRun tracked, String status, StatusEvent submitted) {
        return ledger.write(tracked.lease, snapshot(tracked, LedgerRecord.State.TRACKING, status, submitted))
                .chain(() -> publish(tracked, submitted));
    }

    /**
     * One change seen by a poll or a bulk refresh; completes when both its record and its event are acknowledged.
     * When the record is written and the event is not, it fails with {@link EventNotPublished}: the ledger now
     * owns that event's id, and the same event (not one derived anew) must go out before any later one.
     */
    Uni<Void> change(TrackedRun tracked, StatusEvent event, String status) {
        if (!event.type().terminal()) {
            return ledger.write(tracked.lease, snapshot(tracked, LedgerRecord.State.TRACKING, status, event))
                    .chain(() -> publish(tracked, event)
                            .onFailure(failure -> !(failure instanceof LeaseEndedException))
                            .transform(failure -> new EventNotPublished(event, failure)));
        }
        // A completed run's results go out (acknowledged) before the event that counts them.
        return Uni.createFrom().deferred(() -> results.attach(tracked.command, tracked.runId, event, tracked.lease::isValid))
                .chain(ready -> publish(tracked, ready)
                        .chain(() -> ledger.write(tracked.lease,
                                snapshot(tracked, LedgerRecord.State.ENDED, status, ready))));
    }

    /** An event of a tracked run, under its partition's lease. */
    Uni<Void> publish(TrackedRun tracked, StatusEvent event) {
        return tracked.lease.write(() -> events.publish(event, tracked.lease::isValid));
    }

    /** The latest event of a run found in the ledger on restore, published again with the same id, time and data. */
    Uni<Void> republish(TrackedRun tracked, LedgerRecord record) {
        if (record.event() == null || record.eventType() == null) {
            return Uni.createFrom().voidItem();
        }
        return publish(tracked, new StatusEvent(record.commandId(), record.sequence(),
                EventType.ofCeType(record.eventType()), Instant.ofEpochMilli(record.eventTime()), record.event()));
    }

    /** The ledger recorded a change whose event did not go out: that event is owed, with the same id and content. */
    static final class EventNotPublished extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final transient StatusEvent event;

        EventNotPublished(StatusEvent event, Throwable cause) {
            super("event " + event.id() + " recorded in the ledger but not published", cause, false, false);
            this.event = event;
        }
    }

    private LedgerRecord snapshot(TrackedRun tracked, LedgerRecord.State state, String status, StatusEvent event) {
        return LedgerRecords.ofRun(tracked.command, tracked.commandHash, state, status, tracked.runId, event,
                tracked.attempts, tracked.firstAttemptAt, tracked.trackingSince, clock.millis());
    }
}
