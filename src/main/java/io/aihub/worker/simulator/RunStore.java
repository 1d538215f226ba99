package io.aihub.worker.simulator;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The simulated runs and the exact creation counters tests rely on. Thread-safe: the event loop writes while
 * test threads read. Deleting a run removes it but never lowers a counter.
 */
final class RunStore {
    private final SimulatorSettings settings;
    private final Map<UUID, SimulatedRun> runs = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> createdByTag = new ConcurrentHashMap<>();
    /** Contexts are few; sharing one String per context keeps 100k runs from holding 100k copies. */
    private final Map<String, String> contexts = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();

    RunStore(SimulatorSettings settings) {
        this.settings = settings;
    }

    SimulatedRun create(String context, SubmitRequest request) {
        String sharedContext = contexts.computeIfAbsent(context, c -> c);
        SimulatedRun run = new SimulatedRun(UUID.randomUUID(), nowNanos(),
                sharedContext, request);
        runs.put(run.id, run);
        created.incrementAndGet();
        if (request.tags() != null) {
            request.tags().stream().distinct()
                    .forEach(tag -> createdByTag.computeIfAbsent(tag, t -> new LongAdder()).increment());
        }
        return run;
    }

    /** Finds a run by its canonical ID; anything that is not one of our UUID strings is simply unknown. */
    Optional<SimulatedRun> find(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.toString().equals(id) ? Optional.ofNullable(runs.get(uuid)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    boolean delete(SimulatedRun run) {
        return runs.remove(run.id, run);
    }

    Stream<SimulatedRun> all() {
        return runs.values().stream();
    }

    SimulatedRunView view(SimulatedRun run) {
        return run.view(nowNanos(), settings.phaseDuration().toNanos());
    }

    long nowNanos() {
        Instant now = settings.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    long runsCreated() {
        return created.get();
    }

    long createdWithTag(String tag) {
        LongAdder count = createdByTag.get(tag);
        return count == null ? 0 : count.sum();
    }

    /** Tags starting with {@code prefix} that more than one created run carried, with their counts, sorted. */
    Map<String, Long> duplicatedTags(String prefix) {
        Map<String, Long> duplicates = new TreeMap<>();
        createdByTag.forEach((tag, count) -> {
            if (tag.startsWith(prefix) && count.sum() > 1) {
                duplicates.put(tag, count.sum());
            }
        });
        return duplicates;
    }

    void clear() {
        runs.clear();
        createdByTag.clear();
        contexts.clear();
        created.set(0);
    }
}
