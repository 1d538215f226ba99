package io.aihub.worker.flow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.config.WorkerConfig;
import io.smallrye.mutiny.Uni;

/**
 * The bounded set of commands waiting in backoff (design.md, "Concurrency"): a command admitted by intake gives its
 * in-flight slot back while it waits (retry backoff, settle time, an outage) and takes one again before its next
 * call, so waiting commands do not fill the in-flight window. When {@code worker.max-in-backoff} commands already
 * wait, a command keeps its slot while it waits, and the full window pauses intake as before.
 */
@ApplicationScoped
public class BackoffSlots {

    private final int max;
    private final AtomicInteger waiting = new AtomicInteger();
    // Commands holding an in-flight slot, by command ID, with how many records of that ID do (duplicates wait).
    private final Map<String, Integer> admitted = new ConcurrentHashMap<>();
    private final InFlightWindow window;
    private final AcceptedRecords accepted;

    @Inject
    public BackoffSlots(WorkerConfig config, InFlightWindow window, AcceptedRecords accepted) {
        this.max = Math.max(0, config.maxInBackoff());
        this.window = window;
        this.accepted = accepted;
    }

    /** A record of the command took an in-flight slot. */
    public void admitted(String commandId) {
        admitted.merge(commandId, 1, Integer::sum);
    }

    /** A record of the command reached its outcome (and gives its slot back itself). */
    public void finished(String commandId) {
        admitted.computeIfPresent(commandId, (id, n) -> n > 1 ? n - 1 : null);
    }

    /**
     * Waits {@code wait} outside the in-flight window when the command holds a slot and the backoff set has room;
     * completes once the command holds a slot again.
     */
    public Uni<Void> outsideWindow(String commandId, Uni<Void> wait) {
        if (!admitted.containsKey(commandId)) {
            return wait; // not admitted by intake (an adoption after a restore): holds no slot
        }
        if (waiting.incrementAndGet() > max) {
            waiting.decrementAndGet();
            return wait; // the backoff set is full: keep the slot
        }
        window.release();
        accepted.widen();
        // The slot is taken again however the wait ends, so a failed wait never returns without one.
        return wait.onTermination().invoke(() -> {
            waiting.decrementAndGet();
            accepted.narrow();
        })
                .onItemOrFailure().transformToUni((done, failure) -> window.admit()
                        .chain(() -> failure == null ? Uni.createFrom().voidItem() : Uni.createFrom().failure(failure)));
    }

    /** Commands waiting outside the window now. */
    public int waiting() {
        return waiting.get();
    }
}
