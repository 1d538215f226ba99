package io.aihub.worker.aihub;

/** The statuses of an AI Hub run; anything else the service sends is {@link #UNKNOWN} and counts as not terminal. */
public enum RunStatus {
    RUNNING(false),
    STOPPED_AT_CHECKPOINT(false),
    PAUSED(false),
    COMPLETE(true),
    FAILED(true),
    CANCELLED(true),
    UNKNOWN(false);

    private final boolean terminal;

    RunStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /** True for COMPLETE, FAILED and CANCELLED. */
    public boolean terminal() {
        return terminal;
    }

    /** Reads a status string; null or unrecognised values give {@link #UNKNOWN}. */
    public static RunStatus of(String status) {
        if (status == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(status);
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
