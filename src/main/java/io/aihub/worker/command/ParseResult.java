package io.aihub.worker.command;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The outcome of reading one record of the commands topic: a runnable command, or the reason it is not one. */
public sealed interface ParseResult {

    /** A valid command. */
    record Parsed(RunCommand command) implements ParseResult {
    }

    /**
     * An invalid record. {@code reason} names fields and rules only, never input values (they may be secrets).
     * {@code commandId} is present when a well-formed command ID could be read, so a {@code rejected} event can
     * be published for it; {@code metadata} is the command's own when it was valid, so that event carries it like
     * every other event of a command (empty otherwise).
     */
    record Invalid(ErrorCode code, String reason, Optional<String> commandId, Map<String, String> metadata)
            implements
                ParseResult {

        public Invalid {
            // In the command's order, as on the events of a valid command.
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** An invalid record without metadata to echo. */
        public Invalid(ErrorCode code, String reason, Optional<String> commandId) {
            this(code, reason, commandId, Map.of());
        }
    }
}
