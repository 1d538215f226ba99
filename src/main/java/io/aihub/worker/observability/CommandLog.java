package io.aihub.worker.observability;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The one way to log a line about one command: it starts with {@code command <id>:} and carries
 * {@value #COMMAND_ID} and, once known, {@value #RUN_ID} in the MDC, so JSON logs have them as fields. The MDC is set around
 * the very line and restored after it: the pipeline hops
 * between event-loop threads, Mutiny timers and Vert.x contexts, so what an earlier step put in the MDC cannot be
 * relied on where a later line is written (and must not stick to the next command handled on the same thread).
 */
public final class CommandLog {

    /** MDC key of the command ID. */
    public static final String COMMAND_ID = "command_id";
    /** MDC key of the AI Hub run ID. */
    public static final String RUN_ID = "run_id";

    private CommandLog() {
    }

    /** An INFO line about a command: {@code command <id>: } and the message, with the IDs in the MDC. */
    public static void info(Logger log, String commandId, String runId, String format, Object... params) {
        logf(log, Logger.Level.INFO, commandId, runId, format, params);
    }

    /** A WARN line about a command. */
    public static void warn(Logger log, String commandId, String runId, String format, Object... params) {
        logf(log, Logger.Level.WARN, commandId, runId, format, params);
    }

    /** An ERROR line about a command. */
    public static void error(Logger log, String commandId, String runId, String format, Object... params) {
        logf(log, Logger.Level.ERROR, commandId, runId, format, params);
    }

    /** A DEBUG line about a command. */
    public static void debug(Logger log, String commandId, String runId, String format, Object... params) {
        logf(log, Logger.Level.DEBUG, commandId, runId, format, params);
    }

    private static void logf(Logger log, Logger.Level level, String commandId, String runId, String format,
            Object[] params) {
        if (!log.isEnabled(level)) {
            return;
        }
        Object previousCommand = MDC.get(COMMAND_ID);
        Object previousRun = MDC.get(RUN_ID);
        set(COMMAND_ID, commandId);
        set(RUN_ID, runId);
        try {
            log.logf(level, "command " + (commandId == null ? "unknown" : commandId) + ": " + format, params);
        } finally {
            set(COMMAND_ID, previousCommand);
            set(RUN_ID, previousRun);
        }
    }

    private static void set(String key, Object value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
