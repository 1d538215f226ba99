package io.aihub.worker.track;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.aihub.worker.command.Input;
import io.aihub.worker.command.ResultsRequest;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.observability.CommandTrace;

/** Builds ledger snapshots from a command, and a command back from a snapshot when tracking resumes. */
public final class LedgerRecords {

    private LedgerRecords() {
    }

    /** What changes from one snapshot of a command to the next. */
    public record Change(LedgerRecord.State state, String status, String runId, long sequence,
            Optional<StatusEvent> event, int attempts, Long firstAttemptAt, Long lastAttemptAt, Long trackingSince) {
    }

    /** A full snapshot of {@code command} in the state {@code change} describes. */
    public static LedgerRecord of(RunCommand command, String commandHash, Change change, long now) {
        String appName = null;
        String appId = null;
        String owner = null;
        String deploymentId = null;
        if (command.target() instanceof Target.AppByName app) {
            appName = app.appName();
            owner = app.owner().orElse(null);
        } else if (command.target() instanceof Target.AppById app) {
            appId = app.appId();
            owner = app.owner().orElse(null);
        } else if (command.target() instanceof Target.Deployment deployment) {
            deploymentId = deployment.deploymentId();
        }
        Long batchId = command.input() instanceof Input.Batch b ? b.batchId() : null;
        String inputDir = command.input() instanceof Input.Folder f ? f.inputDir() : null;
        Input.Upstream upstream = command.input() instanceof Input.Upstream u ? u : null;
        StatusEvent event = change.event().orElse(null);
        return new LedgerRecord(LedgerRecord.VERSION, command.commandId(), change.state(), change.status(),
                change.runId(), change.sequence(), event == null ? null : event.type().ceType(),
                event == null ? null : event.time().toEpochMilli(), event == null ? null : event.data(),
                change.attempts(), change.firstAttemptAt(), change.lastAttemptAt(), change.trackingSince(),
                command.ibContext(), appName, appId, owner, deploymentId, batchId, inputDir,
                upstream == null ? null : Boolean.TRUE,
                upstream == null || upstream.fromTimestamp().isEmpty() ? null : upstream.fromTimestamp().getAsLong(),
                upstream == null || upstream.toTimestamp().isEmpty() ? null : upstream.toTimestamp().getAsLong(),
                command.metadata().isEmpty() ? null : command.metadata(),
                command.results().publish() ? Boolean.TRUE : null, commandHash, now,
                // Every caller runs within the command's trace (intake, or a tracker step run in it).
                CommandTrace.currentTraceparent(),
                command.results().publish() ? includeFlags(command.results()) : null);
    }

    /** The record of an invalid command whose ID could be read: it does not block a corrected command. */
    public static LedgerRecord rejected(String commandId, long sequence, String commandHash, long now) {
        return new LedgerRecord(LedgerRecord.VERSION, commandId, LedgerRecord.State.REJECTED,
                io.aihub.worker.event.EventType.REJECTED.name(), null, sequence, null, null, null, 0, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, commandHash, now,
                CommandTrace.currentTraceparent(), null);
    }

    /** The command as far as tracking needs it: target, input, context, metadata. Settings and secrets are gone. */
    public static RunCommand command(LedgerRecord record) {
        Target target;
        if (record.deploymentId() != null) {
            target = new Target.Deployment(record.deploymentId());
        } else if (record.appId() != null) {
            target = new Target.AppById(record.appId(), Optional.ofNullable(record.owner()));
        } else {
            target = new Target.AppByName(String.valueOf(record.appName()), Optional.ofNullable(record.owner()));
        }
        Input input;
        if (record.batchId() != null) {
            input = new Input.Batch(record.batchId());
        } else if (record.inputDir() != null) {
            input = new Input.Folder(record.inputDir());
        } else {
            input = new Input.Upstream(optional(record.fromTimestamp()), optional(record.toTimestamp()));
        }
        java.util.List<String> include = record.resultsInclude() == null ? java.util.List.of() : record.resultsInclude();
        ResultsRequest results = Boolean.TRUE.equals(record.publishResults())
                ? new ResultsRequest(true, include.contains(REVIEW), include.contains(CONFIDENCE),
                        include.contains(VALIDATION), include.contains(SOURCE))
                : ResultsRequest.NONE;
        return new RunCommand(record.commandId(), target, input, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), record.ibContext(), record.metadata() == null ? Map.of() : record.metadata(), results,
                Set.of());
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
    private static java.util.List<String> includeFlags(ResultsRequest results) {
        java.util.List<String> flags = new java.util.ArrayList<>();
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

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
