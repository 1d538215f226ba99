package io.aihub.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The simulated runs and the exact creation counters tests rely on. Thread-safe: the event loop writes while
 * test threads read. Deleting a run removes it but never lowers a counter.
 */
final class RunStore {
    private static final int MAX_SHARED = 10_000;
    /** A tag that fixes when a run leaves its first phase (see {@link #phaseFor}). */
    static final String FINISH_AT_TAG = "sim-finish-at-ms:";
    private final SimulatorSettings settings;
    private final Map<UUID, SimulatedRun> runs = new ConcurrentHashMap<>();
    private final Map<String, Long> createdByTag = new ConcurrentHashMap<>();
    /** Contexts, app names and workspaces repeat; one shared String each keeps 100k runs from holding copies. */
    private final Map<String, String> shared = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();
    private volatile long phaseNanos;

    RunStore(SimulatorSettings settings) {
        this.settings = settings;
        this.phaseNanos = settings.phaseDuration().toNanos();
    }

    /** The phase duration of runs created from now on; runs already created keep theirs. */
    void phaseDuration(Duration phase) {
        if (phase.isNegative() || phase.isZero()) {
            throw new IllegalArgumentException("phaseDuration must be positive");
        }
        phaseNanos = phase.toNanos();
    }

    SimulatedRun create(String context, SubmitRequest request) {
        long now = nowNanos();
        SimulatedRun run = new SimulatedRun(UUID.randomUUID(), now, phaseFor(request, now), context, request,
                this::share);
        runs.put(run.id, run);
        created.incrementAndGet();
        if (request.tags() != null) {
            request.tags().stream().distinct().forEach(tag -> createdByTag.merge(tag, 1L, Long::sum));
        }
        return run;
    }

    /**
     * The run's phase length: the store's, or, when the run carries the tag {@code sim-finish-at-ms:<epoch ms>}, one
     * that ends its first phase at that instant, so a benchmark can place each status change on its own clock.
     */
    private long phaseFor(SubmitRequest request, long nowNanos) {
        if (request.tags() != null) {
            for (String tag : request.tags()) {
                if (tag.startsWith(FINISH_AT_TAG)) {
                    try {
                        long at = Long.parseLong(tag.substring(FINISH_AT_TAG.length())) * 1_000_000L;
                        return Math.max(1_000_000L, at - nowNanos);
                    } catch (NumberFormatException e) {
                        return phaseNanos; // not ours to reject: the real service accepts any tag
                    }
                }
            }
        }
        return phaseNanos;
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
        return run.view(nowNanos());
    }

    long nowNanos() {
        Instant now = settings.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    long runsCreated() {
        return created.get();
    }

    long createdWithTag(String tag) {
        return createdByTag.getOrDefault(tag, 0L);
    }

    /** Tags starting with {@code prefix} that more than one created run carried, with their counts, sorted. */
    Map<String, Long> duplicatedTags(String prefix) {
        Map<String, Long> duplicates = new TreeMap<>();
        createdByTag.forEach((tag, count) -> {
            if (tag.startsWith(prefix) && count > 1) {
                duplicates.put(tag, count);
            }
        });
        return duplicates;
    }

    /**
     * One shared instance per repeated value. Command tags are unique per run, so they are not shared; the cap
     * keeps a client that sends unique names from growing this map without bound.
     */
    private String share(String value) {
        if (value == null || value.startsWith(RecordedRequest.COMMAND_TAG_PREFIX)) {
            return value;
        }
        String known = shared.get(value);
        if (known != null || shared.size() >= MAX_SHARED) {
            return known != null ? known : value;
        }
        known = shared.putIfAbsent(value, value);
        return known != null ? known : value;
    }

    void clear() {
        phaseNanos = settings.phaseDuration().toNanos();
        runs.clear();
        createdByTag.clear();
        shared.clear();
        created.set(0);
    }
}
