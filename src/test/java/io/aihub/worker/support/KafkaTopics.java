package io.aihub.worker.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The tests' view of the worker's topics on the real broker: produce raw command records, and read everything the
 * worker wrote to the events and dead-letter topics. Records are matched by command ID or key, never by position,
 * because the broker is shared by all tests of one application start.
 */
public final class KafkaTopics implements AutoCloseable {

    private final TestTopics topics;
    private final KafkaCompanion companion;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ConsumerTask<byte[], byte[]> events;
    private final ConsumerTask<byte[], byte[]> deadLetters;
    private final ConsumerTask<byte[], byte[]> results;

    public KafkaTopics(String bootstrapServers, TestTopics topics) {
        this.topics = topics;
        companion = new KafkaCompanion(bootstrapServers);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        events = consumeAll(topics.events());
        deadLetters = consumeAll(topics.deadLetters());
        results = consumeAll(topics.results());
    }

    /** Connects to the broker the application under test uses. */
    public static KafkaTopics forRunningApplication() {
        return new KafkaTopics(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                TestTopics.ofRunningApplication());
    }

    private ConsumerTask<byte[], byte[]> consumeAll(String topic) {
        return companion.<byte[], byte[]> consumeWithDeserializers(new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .withProp(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .withProp(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + topic + "-" + System.nanoTime())
                .fromTopics(topic);
    }

    /** Sends a command record and waits for the broker to take it. */
    public void send(String key, byte[] value, Map<String, String> headers) {
        send(null, key, value, headers);
    }

    /** Sends a command record with headers to one partition (null: the key's) and waits for the broker. */
    public void send(Integer partition, String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.commands(), partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send the command record", e);
        }
    }

    /** Sends a JSON command to one partition. */
    public void send(int partition, String key, String json) {
        sendTo(topics.commands(), partition, key, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a record to the ledger topic, as another worker would. */
    public void writeLedger(int partition, String commandId, String json) {
        sendTo(topics.ledger(), partition, commandId, json.getBytes(StandardCharsets.UTF_8));
    }

    private void sendTo(String topic, int partition, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send the record", e);
        }
    }

    /** The ledger records written so far for a command, oldest first (read on demand from the beginning). */
    public List<JsonNode> ledgerFor(String commandId) {
        var mapper = new ObjectMapper();
        List<JsonNode> result = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readLedger()) {
            if (record.value() != null && commandId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                try {
                    result.add(mapper.readTree(record.value()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return result;
    }

    /** The ledger partition a command's records went to (the partition of its command record). */
    public int ledgerPartitionOf(String commandId) {
        return readLedger().stream().filter(r -> commandId.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .findFirst().orElseThrow(() -> new IllegalStateException("no ledger record for " + commandId))
                .partition();
    }

    /** Every ledger partition a command's records went to. */
    public java.util.Set<Integer> ledgerPartitionsOf(String commandId) {
        return readLedger().stream().filter(r -> commandId.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .map(ConsumerRecord::partition).collect(java.util.stream.Collectors.toSet());
    }

    /** Every record of the ledger topic up to its current end, read on demand from the beginning. */
    public List<ConsumerRecord<byte[], byte[]>> allLedgerRecords() {
        return readLedger();
    }

    /** Every record of the ledger topic up to its current end. */
    private List<ConsumerRecord<byte[], byte[]>> readLedger() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, companion.getBootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topics.ledger()).stream()
                    .map(p -> new TopicPartition(topics.ledger(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Sends a JSON command keyed by {@code key}. */
    public void send(String key, String json) {
        send(key, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The events published so far for a command, in the order they were read. */
    public List<CloudEventRecord> eventsFor(String commandId) {
        List<CloudEventRecord> result = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : events.getRecords()) {
            if (record.key() != null && commandId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                result.add(CloudEventRecord.of(record));
            }
        }
        return result;
    }

    /** Waits until the command's events include a terminal one, and returns them all. */
    public List<CloudEventRecord> awaitTerminalEvent(String commandId, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> eventsFor(commandId).stream().anyMatch(CloudEventRecord::isTerminal));
        return eventsFor(commandId);
    }

    /** Dead letters whose key equals {@code key}. */
    public List<ConsumerRecord<byte[], byte[]>> deadLettersWithKey(String key) {
        byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
        return deadLetters.getRecords().stream()
                .filter(r -> r.key() != null && Arrays.equals(wanted, r.key()))
                .toList();
    }

    /** Waits for exactly one dead letter with the key, and returns it. */
    public ConsumerRecord<byte[], byte[]> awaitDeadLetter(String key, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> !deadLettersWithKey(key).isEmpty());
        return deadLettersWithKey(key).get(0);
    }

    /** All dead letters read so far. */
    public List<ConsumerRecord<byte[], byte[]>> allDeadLetters() {
        return deadLetters.getRecords();
    }

    /** Result records keyed by the command ID, in the order read. */
    public List<ConsumerRecord<byte[], byte[]>> resultsFor(String commandId) {
        byte[] wanted = commandId.getBytes(StandardCharsets.UTF_8);
        return results.getRecords().stream()
                .filter(r -> r.key() != null && Arrays.equals(wanted, r.key()))
                .toList();
    }

    /** All result records read so far. */
    public List<ConsumerRecord<byte[], byte[]>> allResults() {
        return results.getRecords();
    }

    /** All events read so far. */
    public List<ConsumerRecord<byte[], byte[]>> allEvents() {
        return events.getRecords();
    }

    /** A header's value as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        events.close();
        deadLetters.close();
        results.close();
        producer.close(Duration.ofSeconds(5));
        companion.close();
    }
}
