package io.aihub.worker.event;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.ErrorCode;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.TargetFields;

/** Maps the worker's view of a command and its run onto the event schema. */
public final class EventFactory {

    private EventFactory() {
    }

    /** An event about a run: submitted, or a status change seen by polling. */
    public static StatusEvent forRun(RunCommand command, long sequence, EventType type, Run run,
            Optional<String> previousStatus, int attempts, Instant time) {
        EventData data = data(command, run.id(), run.status(), previousStatus.orElse(null), run.msg(),
                run.startTimestamp(), run.finishedAt().orElse(null), attempts, null);
        return new StatusEvent(command.commandId(), sequence, type, time, data);
    }

    /** An event about a command that ended without a run status: submission or tracking failed. */
    public static StatusEvent forFailure(RunCommand command, long sequence, EventType type, Optional<String> runId,
            Optional<String> previousStatus, int attempts, EventData.Error error, Instant time) {
        EventData data = data(command, runId.orElse(null), type.name(), previousStatus.orElse(null), null, null, null,
                attempts, error);
        return new StatusEvent(command.commandId(), sequence, type, time, data);
    }

    /**
     * A {@code rejected} event for a record that named a readable command ID but was not a valid command, with the
     * command's {@code metadata} when it could be read.
     */
    public static StatusEvent rejected(String commandId, long sequence, ErrorCode code, String reason,
            Map<String, String> metadata, Instant time) {
        EventData data = EventData.rejected(commandId, new EventData.Error(code.name(), null, reason), metadata);
        return new StatusEvent(commandId, sequence, EventType.REJECTED, time, data);
    }

    private static EventData data(RunCommand command, String runId, String status, String previousStatus, String msg,
            Long start, Long finish, int attempts, EventData.Error error) {
        TargetFields fields = TargetFields.of(command);
        return new EventData(command.commandId(), runId, status, previousStatus,
                command.secrets().scrub(msg), fields.appName(), fields.appId(), fields.owner(),
                fields.deploymentId(), fields.batchId(), fields.inputDir(), fields.manualUpstreamIntegration(), start,
                finish, attempts, error, command.metadata(), null);
    }
}
