package io.aihub.worker.event;

import java.time.Instant;

/**
 * One status event of one command. Its CloudEvents {@code id} is {@code <command_id>:<sequence>}, so a listener that
 * sees an id twice can drop the second.
 */
public record StatusEvent(String commandId, long sequence, EventType type, Instant time, EventData data) {

    /** The deterministic CloudEvents id. */
    public String id() {
        return commandId + ":" + sequence;
    }
}
