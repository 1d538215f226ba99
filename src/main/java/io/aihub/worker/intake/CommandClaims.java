package io.aihub.worker.intake;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * Intake's atomic claim on a command ID (design.md, rule 2b): work for an ID runs only after the previous work for
 * the same ID has finished, so a second record with that ID sees the first one's ledger record and counts as a
 * duplicate. Entries live only while work for the ID is in flight.
 */
@ApplicationScoped
class CommandClaims {

    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** Runs {@code work} once every earlier claim on {@code commandId} has finished. */
    Uni<Void> withClaim(String commandId, Supplier<Uni<Void>> work) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(commandId, mine);
        Uni<Void> waitForPrevious = previous == null ? Uni.createFrom().voidItem()
                : Uni.createFrom().completionStage(previous).onFailure().recoverWithItem((Void) null);
        return waitForPrevious.chain(work::get).eventually(() -> {
            tails.remove(commandId, mine);
            mine.complete(null);
        });
    }

    /**
     * Runs {@code work} once every earlier claim on each of {@code commandIds} has finished; a later claim on any of
     * them waits for it. The claims are placed together under a lock, so two such calls that share IDs queue in the
     * same order on each of them and never wait on each other in a cycle.
     */
    Uni<Void> withClaims(Collection<String> commandIds, Supplier<Uni<Void>> work) {
        Set<String> ids = new LinkedHashSet<>(commandIds); // an ID twice would wait on itself
        CompletableFuture<Void> mine = new CompletableFuture<>();
        List<CompletableFuture<Void>> previous = new ArrayList<>();
        synchronized (this) {
            for (String commandId : ids) {
                CompletableFuture<Void> before = tails.put(commandId, mine);
                if (before != null) {
                    previous.add(before.exceptionally(failure -> null));
                }
            }
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(previous.toArray(CompletableFuture[]::new)))
                .onFailure().recoverWithItem((Void) null)
                .chain(work::get).eventually(() -> {
                    ids.forEach(commandId -> tails.remove(commandId, mine));
                    mine.complete(null);
                });
    }

    /** IDs with work in flight. */
    int size() {
        return tails.size();
    }
}
