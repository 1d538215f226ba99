package io.aihub.worker.event;

import io.aihub.worker.aihub.RunStatus;

/** The CloudEvents {@code type}s the worker publishes: {@code aihub.run.<state>}. */
public enum EventType {
    SUBMITTED("submitted", false),
    RUNNING("running", false),
    CHECKPOINT("checkpoint", false),
    PAUSED("paused", false),
    COMPLETED("completed", true),
    FAILED("failed", true),
    CANCELLED("cancelled", true),
    REJECTED("rejected", true),
    SUBMISSION_FAILED("submission_failed", true),
    TRACKING_FAILED("tracking_failed", true);

    private static final EventType[] VALUES = values();

    private final String ceType;
    private final boolean terminal;

    EventType(String state, boolean terminal) {
        this.ceType = "aihub.run." + state;
        this.terminal = terminal;
    }

    /** The CloudEvents type, e.g. {@code aihub.run.completed}. */
    public String ceType() {
        return ceType;
    }

    /** True when no event follows this one for the same command. */
    public boolean terminal() {
        return terminal;
    }

    /** The type whose CloudEvents type is {@code ceType}; {@code running} for one this version does not know. */
    public static EventType ofCeType(String ceType) {
        for (EventType type : VALUES) {
            if (type.ceType.equals(ceType)) {
                return type;
            }
        }
        return RUNNING;
    }

    /**
     * The event for a run that has reached {@code status}. A status the worker does not know yet is not terminal
     * and is reported as {@code running} with the status string as AI Hub sent it.
     */
    public static EventType forStatus(RunStatus status) {
        return switch (status) {
            case STOPPED_AT_CHECKPOINT -> CHECKPOINT;
            case PAUSED -> PAUSED;
            case COMPLETE -> COMPLETED;
            case FAILED -> FAILED;
            case CANCELLED -> CANCELLED;
            case RUNNING, UNKNOWN -> RUNNING;
        };
    }
}
