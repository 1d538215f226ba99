package io.aihub.worker.ledger;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.aihub.worker.event.EventData;

/**
 * The worker's record of one command on the compacted ledger topic: a full snapshot, since compaction keeps only
 * the last record per key. It holds what is needed to resume the command after a crash or a rebalance — the run,
 * the event sequence and the last event, the target, input, context and metadata — and never a secret. Times are
 * Unix milliseconds.
 *
 * @param version format version of this record
 * @param commandId the command ID (also the Kafka key)
 * @param state where the command stands
 * @param status the last run status, or REJECTED / SUBMISSION_FAILED / TRACKING_FAILED
 * @param runId the AI Hub run, once known
 * @param sequence sequence number of the last event that belongs to this record
 * @param eventType CloudEvents type of that event, to publish it again on restore
 * @param eventTime when that event happened
 * @param event the data of that event
 * @param attempts POSTs made
 * @param firstAttemptAt first POST
 * @param lastAttemptAt latest POST (or intent to POST)
 * @param trackingSince when tracking began
 * @param commandHash SHA-256 of the command's value, to tell a duplicate from a different command with the same ID
 * @param traceparent the W3C trace context of the command (no secret), so events published after a restore stay in
 *        its trace; absent in records written before it existed
 * @param resultsInclude the {@code include_*} flags (without the prefix) of a command that asks for results
 * @param revision how many snapshots of this command came before this one: a restore keeps the highest, so a late
 *        write of an earlier owner never moves a command backwards (0 in records written before it existed)
 * @param sourceOffset the offset of the command record a {@code SUBMITTING} snapshot was written for, so that a
 *        restore knows whether that record will be delivered again (absent in older records)
 * @param secretFingerprints keyed fingerprints of the command's secrets (no secret), so a resumed run still masks
 *        them in AI Hub's messages; absent in records of commands without secrets or written before it existed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LedgerRecord(int version, String commandId, State state, String status, String runId, long sequence,
        String eventType, Long eventTime, EventData event, int attempts, Long firstAttemptAt, Long lastAttemptAt,
        Long trackingSince, String ibContext, String appName, String appId, String owner, String deploymentId,
        Long batchId, String inputDir, Boolean manualUpstreamIntegration, Long fromTimestamp, Long toTimestamp,
        Map<String, String> metadata, Boolean publishResults, String commandHash, long updatedAt, String traceparent,
        List<String> resultsInclude, @JsonInclude(JsonInclude.Include.NON_DEFAULT) long revision, Long sourceOffset,
        List<String> secretFingerprints) {

    /** The current format version. */
    public static final int VERSION = 1;

    /** Where a command stands. */
    public enum State {
        /** Invalid; a later valid command with the same ID may still run. */
        REJECTED,
        /** The intent to POST is durable; the outcome of a POST may be unknown. Reconcile before any new POST. */
        SUBMITTING,
        /** A run exists and is being followed. */
        TRACKING,
        /** The command has its terminal state. */
        ENDED;

        /** True when a new record with the same command ID must not start a run. */
        public boolean blocksResubmission() {
            return this != REJECTED;
        }
    }

    /**
     * A copy without the last event's data, for the in-memory view of a tracked run: the tracker holds the run's
     * state, and a restore reads the full record from the topic, so nothing reads the data from the view.
     */
    LedgerRecord withoutEvent() {
        return event == null ? this : toBuilder().event(null).build();
    }

    /** A copy without the fields only an in-flight command needs, kept for dedupe after the command ended. */
    LedgerRecord compact() {
        return builder(commandId, state).status(status).runId(runId).sequence(sequence).attempts(attempts)
                .commandHash(commandHash).updatedAt(updatedAt).revision(revision).build();
    }

    /**
     * True when this snapshot is newer than {@code other} of the same command: a higher revision, or on a tie (two
     * owners wrote from the same restored state) the state further along, so an ended command stays ended.
     */
    public boolean supersedes(LedgerRecord other) {
        if (revision != other.revision) {
            return revision > other.revision;
        }
        return state.ordinal() >= other.state.ordinal();
    }

    /** A record of {@code commandId} in {@code state}, every other field to be set by name. */
    public static Builder builder(String commandId, State state) {
        return new Builder().commandId(commandId).state(state);
    }

    /** A builder holding this record's fields. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.commandId = commandId;
        builder.state = state;
        builder.status = status;
        builder.runId = runId;
        builder.sequence = sequence;
        builder.eventType = eventType;
        builder.eventTime = eventTime;
        builder.event = event;
        builder.attempts = attempts;
        builder.firstAttemptAt = firstAttemptAt;
        builder.lastAttemptAt = lastAttemptAt;
        builder.trackingSince = trackingSince;
        builder.ibContext = ibContext;
        builder.appName = appName;
        builder.appId = appId;
        builder.owner = owner;
        builder.deploymentId = deploymentId;
        builder.batchId = batchId;
        builder.inputDir = inputDir;
        builder.manualUpstreamIntegration = manualUpstreamIntegration;
        builder.fromTimestamp = fromTimestamp;
        builder.toTimestamp = toTimestamp;
        builder.metadata = metadata;
        builder.publishResults = publishResults;
        builder.commandHash = commandHash;
        builder.updatedAt = updatedAt;
        builder.traceparent = traceparent;
        builder.resultsInclude = resultsInclude;
        builder.revision = revision;
        builder.sourceOffset = sourceOffset;
        builder.secretFingerprints = secretFingerprints;
        return builder;
    }

    /** Builds records field by field, by name: most fields are absent in most states. */
    public static final class Builder {
        private String commandId;
        private State state;
        private String status;
        private String runId;
        private long sequence;
        private String eventType;
        private Long eventTime;
        private EventData event;
        private int attempts;
        private Long firstAttemptAt;
        private Long lastAttemptAt;
        private Long trackingSince;
        private String ibContext;
        private String appName;
        private String appId;
        private String owner;
        private String deploymentId;
        private Long batchId;
        private String inputDir;
        private Boolean manualUpstreamIntegration;
        private Long fromTimestamp;
        private Long toTimestamp;
        private Map<String, String> metadata;
        private Boolean publishResults;
        private String commandHash;
        private long updatedAt;
        private String traceparent;
        private List<String> resultsInclude;
        private long revision;
        private Long sourceOffset;
        private List<String> secretFingerprints;

        private Builder() {
        }

        public Builder commandId(String value) {
            this.commandId = value;
            return this;
        }

        public Builder state(State value) {
            this.state = value;
            return this;
        }

        public Builder status(String value) {
            this.status = value;
            return this;
        }

        public Builder runId(String value) {
            this.runId = value;
            return this;
        }

        public Builder sequence(long value) {
            this.sequence = value;
            return this;
        }

        public Builder eventType(String value) {
            this.eventType = value;
            return this;
        }

        public Builder eventTime(Long value) {
            this.eventTime = value;
            return this;
        }

        public Builder event(EventData value) {
            this.event = value;
            return this;
        }

        public Builder attempts(int value) {
            this.attempts = value;
            return this;
        }

        public Builder firstAttemptAt(Long value) {
            this.firstAttemptAt = value;
            return this;
        }

        public Builder lastAttemptAt(Long value) {
            this.lastAttemptAt = value;
            return this;
        }

        public Builder trackingSince(Long value) {
            this.trackingSince = value;
            return this;
        }

        public Builder ibContext(String value) {
            this.ibContext = value;
            return this;
        }

        public Builder appName(String value) {
            this.appName = value;
            return this;
        }

        public Builder appId(String value) {
            this.appId = value;
            return this;
        }

        public Builder owner(String value) {
            this.owner = value;
            return this;
        }

        public Builder deploymentId(String value) {
            this.deploymentId = value;
            return this;
        }

        public Builder batchId(Long value) {
            this.batchId = value;
            return this;
        }

        public Builder inputDir(String value) {
            this.inputDir = value;
            return this;
        }

        public Builder manualUpstreamIntegration(Boolean value) {
            this.manualUpstreamIntegration = value;
            return this;
        }

        public Builder fromTimestamp(Long value) {
            this.fromTimestamp = value;
            return this;
        }

        public Builder toTimestamp(Long value) {
            this.toTimestamp = value;
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            this.metadata = value;
            return this;
        }

        public Builder publishResults(Boolean value) {
            this.publishResults = value;
            return this;
        }

        public Builder commandHash(String value) {
            this.commandHash = value;
            return this;
        }

        public Builder updatedAt(long value) {
            this.updatedAt = value;
            return this;
        }

        public Builder traceparent(String value) {
            this.traceparent = value;
            return this;
        }

        public Builder resultsInclude(List<String> value) {
            this.resultsInclude = value;
            return this;
        }

        public Builder revision(long value) {
            this.revision = value;
            return this;
        }

        public Builder sourceOffset(Long value) {
            this.sourceOffset = value;
            return this;
        }

        public Builder secretFingerprints(List<String> value) {
            this.secretFingerprints = value;
            return this;
        }

        /** The record, in the current format version. */
        public LedgerRecord build() {
            return new LedgerRecord(VERSION, commandId, state, status, runId, sequence, eventType, eventTime, event, attempts,
                    firstAttemptAt, lastAttemptAt, trackingSince, ibContext, appName, appId, owner, deploymentId, batchId,
                    inputDir, manualUpstreamIntegration, fromTimestamp, toTimestamp, metadata, publishResults, commandHash,
                    updatedAt, traceparent, resultsInclude, revision, sourceOffset, secretFingerprints);
        }
    }
}
