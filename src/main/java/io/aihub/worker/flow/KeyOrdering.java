package io.aihub.worker.flow;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * {@code worker.ordering=key}: commands with the same Kafka key are handled one after another (the next starts when
 * the previous one's outcome is durable); other keys go on in parallel. The map holds only keys with a command in
 * flight, each of which holds a slot of the in-flight window, so it is bounded by {@code worker.max-in-flight}.
 * Records without a key are not ordered. With {@code unordered} work starts at once.
 */
public final class KeyOrdering {

    private final boolean enabled;
    private final Map<ByteBuffer, ArrayDeque<Runnable>> waiting = new HashMap<>();

    public KeyOrdering(boolean enabled) {
        this.enabled = enabled;
    }

    /** Runs {@code work} after the work of earlier records with {@code key}. */
    public <T> Uni<T> inOrder(byte[] key, Supplier<Uni<? extends T>> work) {
        if (!enabled || key == null) {
            return Uni.createFrom().<T> deferred(work);
        }
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        return Uni.createFrom().emitter(emitter -> {
            Runnable start = () -> Uni.createFrom().<T> deferred(work)
                    .onTermination().invoke(() -> startNext(k))
                    .subscribe().with(emitter::complete, emitter::fail);
            boolean now;
            synchronized (this) {
                ArrayDeque<Runnable> queue = waiting.get(k);
                now = queue == null;
                if (now) {
                    waiting.put(k, new ArrayDeque<>());
                } else {
                    queue.add(start);
                }
            }
            if (now) {
                start.run();
            }
        });
    }

    private void startNext(ByteBuffer key) {
        Runnable next;
        synchronized (this) {
            ArrayDeque<Runnable> queue = waiting.get(key);
            next = queue == null ? null : queue.poll();
            if (next == null) {
                waiting.remove(key);
            }
        }
        if (next != null) {
            next.run();
        }
    }

    /** Keys with a command in flight. */
    public synchronized int keys() {
        return waiting.size();
    }
}
