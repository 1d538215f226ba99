package io.aihub.worker.command;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A command's {@link Target} and {@link Input} as the flat, snake_case fields of the AI Hub API: the one mapping the
 * request body, status events, ledger records and List runs filters all use (absent fields are null), and back.
 */
public record TargetFields(String appName, String appId, String owner, String deploymentId, Long batchId,
        String inputDir, Boolean manualUpstreamIntegration, Long fromTimestamp, Long toTimestamp) {

    /** The fields of {@code target} and {@code input}. */
    public static TargetFields of(Target target, Input input) {
        String appName = target instanceof Target.AppByName app ? app.appName() : null;
        String appId = target instanceof Target.AppById app ? app.appId() : null;
        String owner = target instanceof Target.AppByName app ? app.owner().orElse(null)
                : target instanceof Target.AppById app ? app.owner().orElse(null) : null;
        String deploymentId = target instanceof Target.Deployment deployment ? deployment.deploymentId() : null;
        Long batchId = input instanceof Input.Batch batch ? batch.batchId() : null;
        String inputDir = input instanceof Input.Folder folder ? folder.inputDir() : null;
        Input.Upstream upstream = input instanceof Input.Upstream u ? u : null;
        return new TargetFields(appName, appId, owner, deploymentId, batchId, inputDir,
                upstream == null ? null : Boolean.TRUE,
                upstream == null ? null : boxed(upstream.fromTimestamp()),
                upstream == null ? null : boxed(upstream.toTimestamp()));
    }

    /** The fields of a command. */
    public static TargetFields of(RunCommand command) {
        return of(command.target(), command.input());
    }

    /** The target these fields name: a deployment, else an app by ID, else an app by name. */
    public Target target() {
        if (deploymentId != null) {
            return new Target.Deployment(deploymentId);
        }
        if (appId != null) {
            return new Target.AppById(appId, Optional.ofNullable(owner));
        }
        return new Target.AppByName(String.valueOf(appName), Optional.ofNullable(owner));
    }

    /** The input these fields name: a batch, else a folder, else the upstream integration. */
    public Input input() {
        if (batchId != null) {
            return new Input.Batch(batchId);
        }
        if (inputDir != null) {
            return new Input.Folder(inputDir);
        }
        return new Input.Upstream(optional(fromTimestamp), optional(toTimestamp));
    }

    private static Long boxed(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }

    private static OptionalLong optional(Long value) {
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
