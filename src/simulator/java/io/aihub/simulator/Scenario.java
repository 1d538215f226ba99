package io.aihub.simulator;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The status schedule of a simulated run, chosen by a keyword in the app name, app ID or deployment ID the run
 * names (case-insensitive; the first matching keyword in declaration order wins). Each run moves through its
 * phases, one per phase duration, then settles in its terminal status. The status is computed from elapsed time
 * when asked, so a run costs no timer.
 */
public enum Scenario {
    /** {@code forever}: RUNNING and never finishing. */
    FOREVER("forever", List.of(Scenario.RUNNING), null, null),
    /** {@code checkpoint}: RUNNING, STOPPED_AT_CHECKPOINT, RUNNING, then COMPLETE. */
    CHECKPOINT("checkpoint", List.of(Scenario.RUNNING, Scenario.STOPPED_AT_CHECKPOINT, Scenario.RUNNING),
            Scenario.COMPLETE, null),
    /** {@code unknown-status}: RUNNING, WEIRD_NEW_STATUS (a status clients do not know), then COMPLETE. */
    UNKNOWN_STATUS("unknown-status", List.of(Scenario.RUNNING, Scenario.WEIRD_NEW_STATUS), Scenario.COMPLETE, null),
    /** {@code cancel}: RUNNING, then CANCELLED. */
    CANCEL("cancel", List.of(Scenario.RUNNING), Scenario.CANCELLED, "Run was cancelled by a user (simulated)"),
    /** {@code fail}: RUNNING, then FAILED. */
    FAIL("fail", List.of(Scenario.RUNNING), Scenario.FAILED, "Run failed (simulated)"),
    /** Any other name: RUNNING, then COMPLETE. */
    DEFAULT("", List.of(Scenario.RUNNING), Scenario.COMPLETE, null);

    public static final String RUNNING = "RUNNING";
    public static final String STOPPED_AT_CHECKPOINT = "STOPPED_AT_CHECKPOINT";
    public static final String PAUSED = "PAUSED";
    public static final String COMPLETE = "COMPLETE";
    public static final String FAILED = "FAILED";
    public static final String CANCELLED = "CANCELLED";
    /** A status outside the documented enum, so clients prove they survive new statuses. */
    public static final String WEIRD_NEW_STATUS = "WEIRD_NEW_STATUS";

    private final String keyword;
    private final List<String> phases;
    private final String terminal;
    private final String terminalMessage;

    Scenario(String keyword, List<String> phases, String terminal, String terminalMessage) {
        this.keyword = keyword;
        this.phases = phases;
        this.terminal = terminal;
        this.terminalMessage = terminalMessage;
    }

    /** Picks the scenario for the name a run was started with. */
    public static Scenario forName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Scenario scenario : values()) {
            if (scenario != DEFAULT && lower.contains(scenario.keyword)) {
                return scenario;
            }
        }
        return DEFAULT;
    }

    /** The keyword that selects this scenario (empty for {@link #DEFAULT}). */
    public String keyword() {
        return keyword;
    }

    /** The status after {@code elapsedNanos} of a run whose phases last {@code phaseNanos} each. */
    public String statusAt(long elapsedNanos, long phaseNanos) {
        long phase = Math.max(0, elapsedNanos) / phaseNanos;
        if (phase < phases.size()) {
            return phases.get((int) phase);
        }
        return terminal != null ? terminal : phases.get(phases.size() - 1);
    }

    /** Nanoseconds from start to the terminal status, or empty when the run never finishes. */
    public Optional<Long> finishOffsetNanos(long phaseNanos) {
        return terminal == null ? Optional.empty() : Optional.of(phases.size() * phaseNanos);
    }

    /** The run's {@code msg} in the given status, if the service would say something. */
    public Optional<String> messageFor(String status) {
        if (status.equals(terminal)) {
            return Optional.ofNullable(terminalMessage);
        }
        if (STOPPED_AT_CHECKPOINT.equals(status)) {
            return Optional.of("Validation failed: waiting for human review (simulated)");
        }
        return Optional.empty();
    }
}
