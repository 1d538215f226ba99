package io.aihub.worker.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The compact stored form of one run: what was submitted and when, nothing derived. Status and finish time are
 * computed from the scenario and elapsed time on read, so 100,000 runs cost only these fields (a few hundred
 * bytes each). Nullable fields stay inside the package; {@link #view} turns them into Optionals.
 */
final class SimulatedRun {
    final UUID id;
    final long startNanos;
    final String context;
    final Scenario scenario;
    /** The name the scenario and behaviour flags were read from (app name, app ID or deployment ID). */
    final String scenarioName;
    final String appName;
    final String appId;
    final String deploymentId;
    final Long batchId;
    final String inputDir;
    /** Output workspace, given or read from {@code output_dir}; used by the {@code output_workspaces} filter. */
    final String workspace;
    /** Tags as given; null when the request carried no {@code settings.tags}. */
    final String[] tags;

    SimulatedRun(UUID id, long startNanos, String context, SubmitRequest request) {
        this.id = id;
        this.startNanos = startNanos;
        this.context = context;
        this.scenarioName = request.scenarioName();
        this.scenario = Scenario.forName(scenarioName);
        this.appName = request.appName();
        this.appId = request.appId();
        this.deploymentId = request.deploymentId();
        this.batchId = request.batchId();
        this.inputDir = request.inputDir();
        this.workspace = request.workspace();
        this.tags = request.tags() == null ? null : request.tags().toArray(String[]::new);
    }

    /** True when the scenario name asks for {@code 0} instead of null as the finish time of a running run. */
    boolean zeroFinish() {
        return nameHas("zero-finish");
    }

    /** True when the scenario name asks for results with {@code ERROR} field values. */
    boolean errorFields() {
        return nameHas("error-fields");
    }

    boolean hasTag(String tag) {
        return tags != null && Arrays.asList(tags).contains(tag);
    }

    /** The run as it looks at {@code nowNanos} with phases of {@code phaseNanos}. */
    SimulatedRunView view(long nowNanos, long phaseNanos) {
        String status = scenario.statusAt(nowNanos - startNanos, phaseNanos);
        Optional<Long> finish = scenario.finishOffsetNanos(phaseNanos)
                .filter(offset -> nowNanos - startNanos >= offset)
                .map(offset -> startNanos + offset);
        return new SimulatedRunView(id.toString(), status, startNanos, finish, scenario.messageFor(status),
                Optional.ofNullable(batchId), Optional.ofNullable(inputDir), Optional.ofNullable(appId),
                Optional.ofNullable(appName), Optional.ofNullable(deploymentId),
                Optional.ofNullable(tags).map(t -> List.copyOf(Arrays.asList(t))), context, scenario, zeroFinish(), errorFields());
    }

    private boolean nameHas(String keyword) {
        return scenarioName.toLowerCase(Locale.ROOT).contains(keyword);
    }
}
