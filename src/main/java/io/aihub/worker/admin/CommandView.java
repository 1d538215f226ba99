package io.aihub.worker.admin;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.aihub.worker.ledger.LedgerRecord;

/**
 * What the worker knows about one command, from its ledger record. Times are ISO-8601 UTC.
 *
 * @param commandId the command ID
 * @param state {@code REJECTED}, {@code SUBMITTING}, {@code TRACKING} or {@code ENDED}
 * @param status the last run status, or REJECTED / SUBMISSION_FAILED / TRACKING_FAILED
 * @param runId the AI Hub run, once known
 * @param attempts POSTs made
 * @param sequence sequence number of the command's last event ({@code <command_id>:<sequence>} is its id)
 * @param lastEventType CloudEvents type of the last event (in-flight commands only)
 * @param lastEventTime when the last event happened (in-flight commands only)
 * @param firstAttemptAt first POST (in-flight commands only)
 * @param trackingSince when tracking began (in-flight commands only)
 * @param updatedAt when the ledger record was written
 * @param partition the ledger partition (= the commands partition)
 * @param source {@code replica} (this replica's view of its partitions) or {@code ledger-topic} (read from the topic)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CommandView(String commandId, String state, String status, String runId, int attempts, long sequence,
        String lastEventType, Instant lastEventTime, Instant firstAttemptAt, Instant trackingSince, Instant updatedAt,
        int partition, String source) {

    /** The view of a ledger record. */
    public static CommandView of(int partition, LedgerRecord record, String source) {
        return new CommandView(record.commandId(), record.state().name(), record.status(), record.runId(),
                record.attempts(), record.sequence(), record.eventType(), instant(record.eventTime()),
                instant(record.firstAttemptAt()), instant(record.trackingSince()), instant(record.updatedAt()),
                partition, source);
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
