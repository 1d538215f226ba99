package io.aihub.worker.admin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 */
@ApplicationScoped
public class LedgerLookup {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final LedgerView view;
    private final LedgerReader reader;
    private final Map<String, Object> kafka;
    private final String topic;
    private final Duration restoreTimeout;

    @Inject
    public LedgerLookup(LedgerView view, LedgerReader reader,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, WorkerConfig config) {
        this.view = view;
        this.reader = reader;
        this.kafka = kafka;
        this.topic = config.topic().ledger();
        this.restoreTimeout = config.ledger().restoreTimeout();
    }

    /** The command's record, from memory or from the topic. */
    public Optional<CommandView> find(String commandId) {
        Optional<LedgerView.Entry> owned = view.entry(commandId);
        if (owned.isPresent()) {
            return Optional.of(CommandView.of(owned.get().partition(), owned.get().record(), "replica"));
        }
        int partition = partitionOf(commandId, partitionCount());
        LedgerRecord record = reader.read(partition, restoreTimeout).get(commandId);
        return Optional.ofNullable(record).map(r -> CommandView.of(partition, r, "ledger-topic"));
    }

    /** The partition the default partitioner gives a record keyed by {@code key}. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private int partitionCount() {
        Map<String, Object> props = KafkaClients.grouplessConsumer(kafka, "admin-lookup", 500);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("the ledger topic " + topic + " does not exist");
            }
            return infos.size();
        }
    }
}
