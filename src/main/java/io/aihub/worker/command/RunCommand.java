package io.aihub.worker.command;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated run command (version 1 of the format in {@code design.md}).
 *
 * @param commandId the idempotency key
 * @param target the app or deployment to run
 * @param input the run's input
 * @param version app or deployment version, when given
 * @param outputWorkspace workspace to run in, when given
 * @param outputDir output folder, when given
 * @param settings the command's {@code settings} object as given, read-only by convention
 * @param ibContext the {@code IB-Context} the run is submitted in (the command's, or the configured default)
 * @param metadata strings echoed on every event of this command
 * @param results whether and how results are published
 * @param secrets what from the command must never be echoed (secret key names, PDF passwords), and how to mask it
 */
public record RunCommand(String commandId, Target target, Input input, Optional<String> version,
        Optional<String> outputWorkspace, Optional<String> outputDir, Optional<ObjectNode> settings,
        String ibContext, Map<String, String> metadata, ResultsRequest results, CommandSecrets secrets) {

    /** The prefix of the tag that marks every run this worker starts (design.md, "The run tag"). */
    public static final String RUN_TAG_PREFIX = "aihub-run-worker:";

    /** The tag that marks every run this worker starts for a command, so the run can be found by List runs. */
    public static String runTag(String commandId) {
        return RUN_TAG_PREFIX + commandId;
    }

    /** This command's run tag. */
    public String runTag() {
        return runTag(commandId);
    }

    @Override
    public String toString() {
        // Never print settings or secrets.
        return "RunCommand[" + commandId + ", " + target.label() + "]";
    }
}
