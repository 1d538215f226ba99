package io.aihub.worker.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.aihub.worker.command.ResultsRequest;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.command.TargetFields;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.observability.CommandTrace;

/** Builds ledger snapshots from a command, and a command back from a snapshot when tracking resumes. */
public final class LedgerRecords {

    private LedgerRecords() {
    }

    /**
     * The intent to POST, acknowledged before the POST (design.md, rule 2a), for the command record at
     * {@code sourceOffset}: a restore can tell whether that record will be delivered again.
     */
    public static LedgerRecord submitting(RunCommand command, String commandHash, long sequence, long sourceOffset,
            long now) {
        return base(command, commandHash, LedgerRecord.State.SUBMITTING, now).sequence(sequence).firstAttemptAt(now)
                .lastAttemptAt(now).sourceOffset(sourceOffset).build();
    }

    /**
     * A command whose run is followed ({@code TRACKING}) or has ended ({@code ENDED}), with the event of this change
     * so that a restore can publish it again.
     */
    public static LedgerRecord ofRun(RunCommand command, String commandHash, LedgerRecord.State state, String status,
            String runId, StatusEvent event, int attempts, Long firstAttemptAt, long trackingSince, long now) {
        return withEvent(base(command, commandHash, state, now), event).status(status).runId(runId)
                .attempts(attempts).firstAttemptAt(firstAttemptAt).trackingSince(trackingSince).build();
    }

    /** A command that ended without a run: its submission failed. */
    public static LedgerRecord submissionFailed(RunCommand command, String commandHash, StatusEvent event,
            int attempts, long firstAttemptAt, long now) {
        return withEvent(base(command, commandHash, LedgerRecord.State.ENDED, now), event)
                .status(EventType.SUBMISSION_FAILED.name()).attempts(attempts).firstAttemptAt(firstAttemptAt).build();
    }

    /** The record of an invalid command whose ID could be read: it does not block a corrected command. */
    public static LedgerRecord rejected(String commandId, long sequence, String commandHash, long now) {
        return LedgerRecord.builder(commandId, LedgerRecord.State.REJECTED).status(EventType.REJECTED.name())
                .sequence(sequence).commandHash(commandHash).updatedAt(now)
                .traceparent(CommandTrace.currentTraceparent()).build();
    }

    /**
     * What every snapshot of a command holds: its target, input, context, metadata, results request and the
     * fingerprints of its secrets.
     */
    private static LedgerRecord.Builder base(RunCommand command, String commandHash, LedgerRecord.State state,
            long now) {
        TargetFields fields = TargetFields.of(command);
        boolean results = command.results().publish();
        return LedgerRecord.builder(command.commandId(), state).ibContext(command.ibContext())
                .appName(fields.appName()).appId(fields.appId()).owner(fields.owner())
                .deploymentId(fields.deploymentId()).batchId(fields.batchId()).inputDir(fields.inputDir())
                .manualUpstreamIntegration(fields.manualUpstreamIntegration()).fromTimestamp(fields.fromTimestamp())
                .toTimestamp(fields.toTimestamp())
                .metadata(command.metadata().isEmpty() ? null : command.metadata())
                .publishResults(results ? Boolean.TRUE : null).resultsInclude(results ? includeFlags(command.results()) : null)
                .commandHash(commandHash).updatedAt(now)
                .secretFingerprints(command.secrets().fingerprints().isEmpty() ? null : command.secrets().fingerprints())
                // Every caller runs within the command's trace (intake, or a tracker step run in it).
                .traceparent(CommandTrace.currentTraceparent());
    }

    private static LedgerRecord.Builder withEvent(LedgerRecord.Builder builder, StatusEvent event) {
        return builder.sequence(event.sequence()).eventType(event.type().ceType()).eventTime(event.time().toEpochMilli())
                .event(event.data());
    }

    /**
     * The command as far as tracking needs it: target, input, context, metadata, and its secrets' fingerprints, so
     * that AI Hub's messages stay masked ({@code masking}). Settings and secret values are gone.
     */
    public static RunCommand command(LedgerRecord record, SecretMasking masking) {
        TargetFields fields = new TargetFields(record.appName(), record.appId(), record.owner(), record.deploymentId(),
                record.batchId(), record.inputDir(), record.manualUpstreamIntegration(), record.fromTimestamp(),
                record.toTimestamp());
        List<String> include = record.resultsInclude() == null ? List.of() : record.resultsInclude();
        ResultsRequest results = Boolean.TRUE.equals(record.publishResults())
                ? new ResultsRequest(true, include.contains(REVIEW), include.contains(CONFIDENCE),
                        include.contains(VALIDATION), include.contains(SOURCE))
                : ResultsRequest.NONE;
        return new RunCommand(record.commandId(), fields.target(), fields.input(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), record.ibContext(),
                record.metadata() == null ? Map.of() : record.metadata(),
                results, masking.restored(record.commandId(), record.secretFingerprints()));
    }

    /** SHA-256 of a record value, hex; tells a producer's duplicate from another command reusing an ID. */
    public static String hash(byte[] value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value == null ? new byte[0] : value);
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** SHA-256 of a string, hex. */
    public static String hash(String value) {
        return hash(value.getBytes(StandardCharsets.UTF_8));
    }

    private static final String REVIEW = "review_results";
    private static final String CONFIDENCE = "confidence_scores";
    private static final String VALIDATION = "validation_results";
    private static final String SOURCE = "source_info";

    /** The {@code include_*} flags that are on, by the name after {@code include_}; restored by {@link #command}. */
    private static List<String> includeFlags(ResultsRequest results) {
        List<String> flags = new ArrayList<>();
        if (results.includeReviewResults()) {
            flags.add(REVIEW);
        }
        if (results.includeConfidenceScores()) {
            flags.add(CONFIDENCE);
        }
        if (results.includeValidationResults()) {
            flags.add(VALIDATION);
        }
        if (results.includeSourceInfo()) {
            flags.add(SOURCE);
        }
        return flags.isEmpty() ? null : flags;
    }
}
