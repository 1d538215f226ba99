package io.aihub.simulator;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a simulated run at one instant, as the API would report it, plus what the simulator knows
 * about it (context, scenario, behaviour flags). Timestamps are Unix nanoseconds.
 *
 * @param id run ID (a UUID string)
 * @param status status at the snapshot instant
 * @param startTimestamp start, Unix nanoseconds
 * @param finishTimestamp finish, Unix nanoseconds, once the run is terminal
 * @param msg the human-readable message the service would give
 * @param batchId input batch, when the run was started from one
 * @param inputDir input folder, when the run was started from one
 * @param appId app ID (given, or derived from the app name or the deployment)
 * @param appName app name, when the run was started by name
 * @param deploymentId deployment, for deployment runs
 * @param tags tags given at submission; empty when the request carried no tags
 * @param pdfPasswordFiles file titles that came with a nested PDF password (the passwords are not kept)
 * @param context the {@code IB-Context} the run belongs to
 * @param scenario the status schedule the run follows
 * @param zeroFinish whether the API reports {@code 0} instead of null as finish time while running
 * @param errorFields whether the run's results hold {@code ERROR} values
 */
public record SimulatedRunView(
        String id,
        String status,
        long startTimestamp,
        Optional<Long> finishTimestamp,
        Optional<String> msg,
        Optional<Long> batchId,
        Optional<String> inputDir,
        Optional<String> appId,
        Optional<String> appName,
        Optional<String> deploymentId,
        Optional<List<String>> tags,
        List<String> pdfPasswordFiles,
        String context,
        Scenario scenario,
        boolean zeroFinish,
        boolean errorFields) {
}
