package io.aihub.worker.flow;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.config.WorkerConfig;
import io.smallrye.mutiny.Uni;

/**
 * {@code worker.ordering=key}: commands with the same Kafka key are handled one after another (the next starts when
 * the previous one's outcome is durable); other keys go on in parallel. The map holds only keys with a record
 * received and not done, so it is bounded by what intake accepts; a record waiting for its key holds no in-flight slot
 * (intake takes one when its work starts). Records without a key are not ordered. With {@code unordered} work starts
 * at once.
 */
@ApplicationScoped
public class KeyOrdering {

    private final boolean enabled;
    private final Map<ByteBuffer, ArrayDeque<Runnable>> waiting = new HashMap<>();

    @Inject
    public KeyOrdering(WorkerConfig config) {
        this(config.ordering() == WorkerConfig.Ordering.KEY);
    }

    public KeyOrdering(boolean enabled) {
        this.enabled = enabled;
    }

    /** True when commands are ordered by key ({@code worker.ordering=key}). */
    public boolean enabled() {
        return enabled;
    }

    /** Records of {@code key} waiting behind the one in progress. */
    public synchronized int waiting(byte[] key) {
        if (!enabled || key == null) {
            return 0;
        }
        ArrayDeque<Runnable> queue = waiting.get(ByteBuffer.wrap(key));
        return queue == null ? 0 : queue.size();
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
