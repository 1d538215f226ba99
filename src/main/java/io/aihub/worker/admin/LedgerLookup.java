package io.aihub.worker.admin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

import io.aihub.worker.config.KafkaClients;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.LedgerReader;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerView;
import io.smallrye.common.annotation.Identifier;

/**
 * Finds a command's ledger record: in this replica's view when it owns the command's partition, else on the ledger
 * topic itself, in the partition Kafka's default partitioner gives the command ID as key (a command produced with
 * another key lives elsewhere, and only the replica that owns it knows it). Blocking when it reads the topic.
 * <p>
 * Topic reads are bounded, since each reads a whole partition: one read answers every lookup on its partition for
 * {@code worker.admin.lookup.cache-ttl}, lookups arriving during a read wait for it instead of starting another, at
 * most {@code max-concurrent-reads} partitions are read at once (a lookup that would need one more is refused with
 * {@link Busy}), and at most {@code cached-partitions} reads are kept, as compact views.
 */
@ApplicationScoped
public class LedgerLookup {

    /** Where the records of a ledger partition come from: the topic, or a test's own source. */
    interface PartitionSource {
        int partitionCount();

        Map<String, LedgerRecord> read(int partition);
    }

    /** Refused: every read permitted at once is running. */
    public static final class Busy extends RuntimeException {
        Busy(int reads) {
            super("the ledger topic is already being read for " + reads + " lookup(s); try again shortly", null, false,
                    false);
        }
    }

    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final LedgerView view;
    private final PartitionSource source;
    private final Clock clock;
    private final long ttlMs;
    private final int maxReads;
    private final int maxCached;
    private final Duration readTimeout;
    /** Reads by partition, oldest first: done (answering until their TTL ends) or running. Guarded by {@code this}. */
    private final LinkedHashMap<Integer, Read> reads = new LinkedHashMap<>();
    private Integer partitionCount;
    private long partitionCountAt;

    private record Read(CompletableFuture<Map<String, CommandView>> views, long startedAt) {
        boolean running() {
            return !views.isDone();
        }
    }

    @Inject
    public LedgerLookup(LedgerView view, LedgerReader reader,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, WorkerConfig worker, AdminConfig admin) {
        this(view, topicSource(reader, kafka, worker), Clock.systemUTC(), admin.lookup(),
                worker.ledger().restoreTimeout());
    }

    LedgerLookup(LedgerView view, PartitionSource source, Clock clock, AdminConfig.Lookup limits, Duration readTimeout) {
        this.view = view;
        this.source = source;
        this.clock = clock;
        this.ttlMs = limits.cacheTtl().toMillis();
        this.maxReads = Math.max(1, limits.maxConcurrentReads());
        this.maxCached = Math.max(maxReads, limits.cachedPartitions());
        this.readTimeout = readTimeout;
    }

    /** The command's record, from memory or from the topic; {@link Busy} when the topic may not be read now. */
    public Optional<CommandView> find(String commandId) {
        Optional<LedgerView.Entry> owned = view.entry(commandId);
        if (owned.isPresent()) {
            return Optional.of(CommandView.of(owned.get().partition(), owned.get().record(), "replica"));
        }
        return Optional.ofNullable(views(partitionOf(commandId, partitionCount())).get(commandId));
    }

    /** The partition the default partitioner gives a record keyed by {@code key}. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private Map<String, CommandView> views(int partition) {
        CompletableFuture<Map<String, CommandView>> mine = new CompletableFuture<>();
        CompletableFuture<Map<String, CommandView>> shared = claim(partition, mine);
        if (shared == mine) {
            try {
                mine.complete(compact(partition, source.read(partition)));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                forget(partition, mine);
            }
        }
        try {
            return shared.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("ledger partition " + partition + " was not read within " + readTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading ledger partition " + partition);
        }
    }

    /** The read that answers {@code partition}: a fresh or running one, else {@code mine}, if a read may start. */
    private synchronized CompletableFuture<Map<String, CommandView>> claim(int partition,
            CompletableFuture<Map<String, CommandView>> mine) {
        long now = clock.millis();
        reads.values().removeIf(read -> !read.running() && now - read.startedAt() >= ttlMs);
        Read current = reads.get(partition);
        if (current != null) {
            return current.views();
        }
        long running = reads.values().stream().filter(Read::running).count();
        if (running >= maxReads) {
            throw new Busy((int) running);
        }
        if (reads.size() >= maxCached) {
            reads.entrySet().stream().filter(e -> !e.getValue().running()).findFirst()
                    .ifPresent(oldest -> reads.remove(oldest.getKey()));
        }
        reads.put(partition, new Read(mine, now));
        return mine;
    }

    private synchronized void forget(int partition, CompletableFuture<Map<String, CommandView>> failed) {
        reads.computeIfPresent(partition, (p, read) -> read.views() == failed ? null : read);
    }

    /** The ledger's partition count, read again once per TTL (partitions can be added while replicas run). */
    private synchronized int partitionCount() {
        long now = clock.millis();
        if (partitionCount == null || now - partitionCountAt >= ttlMs) {
            partitionCount = source.partitionCount();
            partitionCountAt = now;
        }
        return partitionCount;
    }

    private static Map<String, CommandView> compact(int partition, Map<String, LedgerRecord> records) {
        Map<String, CommandView> views = new HashMap<>(records.size() * 2);
        records.forEach((id, record) -> views.put(id, CommandView.of(partition, record, "ledger-topic")));
        return views;
    }

    private static PartitionSource topicSource(LedgerReader reader, Map<String, Object> kafka, WorkerConfig config) {
        String topic = config.topic().ledger();
        Duration timeout = config.ledger().restoreTimeout();
        return new PartitionSource() {
            @Override
            public int partitionCount() {
                Map<String, Object> props = KafkaClients.grouplessConsumer(kafka, "admin-lookup", 500);
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
                    if (infos == null || infos.isEmpty()) {
                        throw new IllegalStateException("the ledger topic " + topic + " does not exist");
                    }
                    return infos.size();
                }
            }

            @Override
            public Map<String, LedgerRecord> read(int partition) {
                return reader.read(partition, timeout);
            }
        };
    }
}
