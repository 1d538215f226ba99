package io.aihub.worker.ledger;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.worker.config.KafkaClients;
import io.aihub.worker.config.WorkerConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * Reads one ledger partition from its beginning to the end offset captured at the start, with a group-less
 * consumer of its own, so the group's polling thread is never blocked by a restore. Blocking: call it off the
 * event loop.
 */
@ApplicationScoped
public class LedgerReader {

    private static final Logger LOG = Logger.getLogger(LedgerReader.class);

    /** The status of a command whose ledger record this version could not read. */
    public static final String UNREADABLE = "UNREADABLE";

    private final Map<String, Object> kafka;
    private final ObjectMapper mapper;
    private final String topic;

    @Inject
    public LedgerReader(@Identifier("default-kafka-broker") Map<String, Object> kafka, ObjectMapper mapper,
            WorkerConfig config) {
        this.kafka = kafka;
        this.mapper = mapper;
        this.topic = config.topic().ledger();
    }

    /**
     * What a partition's ledger holds: the newest snapshot of every command ({@link LedgerRecord#supersedes}), and
     * the commands whose newest snapshot was followed by an older one (a late write of an earlier owner), which
     * must be written again so that compaction, which keeps the last record, keeps the newest.
     */
    public record Contents(Map<String, LedgerRecord> records, Set<String> shadowed) {
    }

    /** The newest snapshot of every command on the partition; tombstoned commands are absent. Blocking. */
    public Map<String, LedgerRecord> read(int partition, Duration timeout) {
        return readContents(partition, timeout).records();
    }

    /** {@link #read}, with the commands whose newest snapshot is shadowed by an older one. Blocking. */
    public Contents readContents(int partition, Duration timeout) {
        return readContents(partition, timeout, key -> true);
    }

    /** {@link #readContents(int, Duration)} of the commands whose ID {@code keys} accepts only. Blocking. */
    public Contents readContents(int partition, Duration timeout, Predicate<String> keys) {
        Map<String, Object> props = KafkaClients.grouplessConsumer(kafka, "ledger-restore-" + partition, 2000);
        Map<String, LedgerRecord> records = new HashMap<>();
        Set<String> shadowed = new HashSet<>();
        TopicPartition tp = new TopicPartition(topic, partition);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            while (consumer.position(tp, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ledger partition " + partition + " was not read within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= end) {
                        break;
                    }
                    if (record.key() != null && keys.test(record.key())) {
                        apply(records, shadowed, record);
                    }
                }
            }
        }
        return new Contents(records, shadowed);
    }

    private void apply(Map<String, LedgerRecord> records, Set<String> shadowed, ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            return;
        }
        if (record.value() == null) {
            records.remove(key);
            shadowed.remove(key);
            return;
        }
        LedgerRecord read;
        try {
            read = mapper.readValue(record.value(), LedgerRecord.class);
        } catch (IOException e) {
            // Neither the older snapshot (stale) nor nothing (a second POST) is safe: the command is taken as ended,
            // so no record with its ID starts a run, and an operator is told.
            LOG.errorf("ledger record for %s at offset %d is unreadable by this version; the command is taken as "
                    + "ended (no new run for its ID)", key, record.offset());
            read = LedgerRecord.builder(key, LedgerRecord.State.ENDED).status(UNREADABLE).revision(Long.MAX_VALUE)
                    .build();
        }
        LedgerRecord known = records.get(key);
        if (known == null || read.supersedes(known)) {
            records.put(key, read);
            shadowed.remove(key);
        } else {
            shadowed.add(key);
        }
    }
}
