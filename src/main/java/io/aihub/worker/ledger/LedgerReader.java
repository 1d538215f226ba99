package io.aihub.worker.ledger;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /** The latest snapshot of every command on the partition; tombstoned commands are absent. */
    public Map<String, LedgerRecord> read(int partition, Duration timeout) {
        Map<String, Object> props = KafkaClients.grouplessConsumer(kafka, "ledger-restore-" + partition, 2000);
        Map<String, LedgerRecord> records = new HashMap<>();
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
                    apply(records, record);
                }
            }
        }
        return records;
    }

    private void apply(Map<String, LedgerRecord> records, ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            records.remove(record.key());
            return;
        }
        try {
            records.put(record.key(), mapper.readValue(record.value(), LedgerRecord.class));
        } catch (IOException e) {
            // A record this version cannot read is skipped rather than blocking the partition forever.
            LOG.warnf("ledger record for %s at offset %d is unreadable; skipped", record.key(), record.offset());
        }
    }
}
