package io.aihub.simulator;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * A validated Run app or Run deployment request, reduced to what a run keeps. Fields are null when absent
 * (this record never leaves the package).
 *
 * @param appName app name of a Run app request by name
 * @param appId app ID of a Run app request by ID
 * @param deploymentId deployment of a Run deployment request
 * @param batchId input batch
 * @param inputDir input folder
 * @param outputDir output folder
 * @param outputWorkspace output workspace
 * @param tags {@code settings.tags}, null when not given
 * @param pdfPasswordFiles file titles given a PDF password in the nested {@code runtime_config}, null when none
 */
record SubmitRequest(
        String appName,
        String appId,
        String deploymentId,
        Long batchId,
        String inputDir,
        String outputDir,
        String outputWorkspace,
        List<String> tags,
        List<String> pdfPasswordFiles) {

    /** The name that selects the scenario: app name, else app ID, else deployment ID. */
    String scenarioName() {
        if (appName != null) {
            return appName;
        }
        return appId != null ? appId : deploymentId;
    }

    /** The stable app ID a run by app name reports (the simulator knows no real IDs). */
    static String derivedAppId(String appName) {
        return UUID.nameUUIDFromBytes(("app:" + appName).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The stable app ID a deployment run reports: the app the deployment runs, which the simulator does not know. */
    static String deployedAppId(String deploymentId) {
        return UUID.nameUUIDFromBytes(("deployment:" + deploymentId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The workspace the run writes to: second segment of {@code /<org>/<workspace>/...} output_dir, else output_workspace. */
    String workspace() {
        if (outputDir != null) {
            String[] segments = outputDir.split("/");
            if (segments.length > 2 && segments[0].isEmpty()) {
                return segments[2];
            }
        }
        return outputWorkspace;
    }
}
