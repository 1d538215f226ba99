package io.aihub.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.UnaryOperator;

/**
 * The compact stored form of one run: what was submitted and when, nothing derived. Status, finish time and a
 * derived app ID are computed on read, and repeated names arrive already shared, so 100,000 runs cost only these
 * fields (about 400 bytes each). Nullable fields stay inside the package; {@link #view} turns them into Optionals.
 */
final class SimulatedRun {
    final UUID id;
    final long startNanos;
    /** How long each status phase of this run lasts, fixed when it was created. */
    final long phaseNanos;
    final String context;
    final Scenario scenario;
    final String appName;
    /** The app ID as given; null for runs by app name (derived on read) and deployment runs. */
    final String appId;
    final String deploymentId;
    final Long batchId;
    final String inputDir;
    /** Output workspace, given or read from {@code output_dir}; used by the {@code output_workspaces} filter. */
    final String workspace;
    /** Tags as given; null when the request carried no {@code settings.tags}. */
    final String[] tags;
    /** Titles of the files that came with a nested PDF password (never the password); null when none did. */
    final String[] pdfPasswordFiles;
    /** API calls that named this run: its creation, then status, results and delete requests. */
    private volatile int calls;
    private static final AtomicIntegerFieldUpdater<SimulatedRun> CALLS = AtomicIntegerFieldUpdater
            .newUpdater(SimulatedRun.class, "calls");

    /** Keeps the request's values; {@code share} returns one shared instance for repeated strings. */
    SimulatedRun(UUID id, long startNanos, long phaseNanos, String context, SubmitRequest request,
            UnaryOperator<String> share) {
        this.id = id;
        this.startNanos = startNanos;
        this.phaseNanos = phaseNanos;
        this.context = share.apply(context);
        this.scenario = Scenario.forName(request.scenarioName());
        this.appName = share.apply(request.appName());
        this.appId = share.apply(request.appId());
        this.deploymentId = share.apply(request.deploymentId());
        this.batchId = request.batchId();
        this.inputDir = request.inputDir();
        this.workspace = share.apply(request.workspace());
        this.tags = request.tags() == null ? null : request.tags().stream().map(share).toArray(String[]::new);
        this.pdfPasswordFiles = request.pdfPasswordFiles() == null ? null
                : request.pdfPasswordFiles().toArray(String[]::new);
    }

    /**
     * Wall-clock Unix ms (not the simulator's clock: a test in another process compares it with its own) of the last
     * call that told a worker this run's status: its creation, a call naming it, or a List runs page listing it.
     */
    private volatile long lastSeenMillis;

    /** Counts one API call that named this run. */
    void countCall() {
        CALLS.incrementAndGet(this);
        seen();
    }

    /** A worker learnt this run's status now (a List runs page listed it; not counted as a call naming it). */
    void seen() {
        lastSeenMillis = System.currentTimeMillis();
    }

    /** When a worker last learnt this run's status (see {@link #seen}). */
    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** API calls that named this run so far. */
    int calls() {
        return calls;
    }

    /** The command ID of the worker's tag ({@code aihub-run-worker:<command_id>}), when the run carries one. */
    Optional<String> commandId() {
        if (tags != null) {
            for (String tag : tags) {
                if (tag.startsWith(RecordedRequest.COMMAND_TAG_PREFIX)) {
                    return Optional.of(tag.substring(RecordedRequest.COMMAND_TAG_PREFIX.length()));
                }
            }
        }
        return Optional.empty();
    }

    /** The name the scenario and behaviour flags were read from: app name, else app ID, else deployment ID. */
    String scenarioName() {
        if (appName != null) {
            return appName;
        }
        return appId != null ? appId : deploymentId;
    }

    /**
     * The app ID the API reports: the given one, else one derived from the app name, else (a deployment run) one
     * standing for the deployment's app.
     */
    String reportedAppId() {
        if (appId != null) {
            return appId;
        }
        return appName != null ? SubmitRequest.derivedAppId(appName) : SubmitRequest.deployedAppId(deploymentId);
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
    SimulatedRunView view(long nowNanos) {
        String status = scenario.statusAt(nowNanos - startNanos, phaseNanos);
        Optional<Long> finish = scenario.finishOffsetNanos(phaseNanos)
                .filter(offset -> nowNanos - startNanos >= offset)
                .map(offset -> startNanos + offset);
        return new SimulatedRunView(id.toString(), status, startNanos, finish, scenario.messageFor(status),
                Optional.ofNullable(batchId), Optional.ofNullable(inputDir), Optional.ofNullable(reportedAppId()),
                Optional.ofNullable(appName), Optional.ofNullable(deploymentId),
                Optional.ofNullable(tags).map(t -> List.copyOf(Arrays.asList(t))),
                pdfPasswordFiles == null ? List.of() : List.of(pdfPasswordFiles), context, scenario, zeroFinish(),
                errorFields());
    }

    private boolean nameHas(String keyword) {
        return scenarioName().toLowerCase(Locale.ROOT).contains(keyword);
    }
}
