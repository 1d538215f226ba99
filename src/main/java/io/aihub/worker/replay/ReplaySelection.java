package io.aihub.worker.replay;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which dead letters a replay takes: by command ID, by error code (the {@code aihub-error-code} header), by the
 * time the dead letter was written, or all of them. Criteria given together must all hold; several command IDs or
 * codes are alternatives. An empty selection is refused: replaying everything must be asked for with {@code all}.
 *
 * @param commandIds command IDs to take; empty: any
 * @param codes error codes to take; empty: any
 * @param from dead letters written at or after this time
 * @param to dead letters written before this time
 * @param all take every dead letter (no other criterion may be given)
 */
public record ReplaySelection(Set<String> commandIds, Set<String> codes, Optional<Instant> from,
        Optional<Instant> to, boolean all) {

    public ReplaySelection {
        commandIds = commandIds == null ? Set.of() : Set.copyOf(commandIds);
        codes = codes == null ? Set.of() : Set.copyOf(codes);
        from = from == null ? Optional.empty() : from;
        to = to == null ? Optional.empty() : to;
        boolean filtered = !commandIds.isEmpty() || !codes.isEmpty() || from.isPresent() || to.isPresent();
        if (all && filtered) {
            throw new IllegalArgumentException("--all cannot be combined with --command-id, --code, --from or --to");
        }
        if (!all && !filtered) {
            throw new IllegalArgumentException(
                    "select dead letters with --command-id, --code, --from/--to, or replay all of them with --all");
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("--from must be before --to");
        }
    }

    /**
     * True when the dead letter of {@code commandId} (if one could be read), with {@code code}, written at {@code time}, is
     * taken.
     */
    public boolean matches(Optional<String> commandId, Optional<String> code, Instant time) {
        if (all) {
            return true;
        }
        if (!commandIds.isEmpty() && (commandId.isEmpty() || !commandIds.contains(commandId.get()))) {
            return false;
        }
        if (!codes.isEmpty() && (code.isEmpty() || !codes.contains(code.get()))) {
            return false;
        }
        if (from.isPresent() && time.isBefore(from.get())) {
            return false;
        }
        return to.isEmpty() || time.isBefore(to.get());
    }
}
