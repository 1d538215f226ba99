package io.aihub.worker.replay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import io.aihub.worker.command.CommandParser;
import io.aihub.worker.command.DeadLetterHeaders;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.command.ReplayHeaders;
import io.aihub.worker.config.KafkaClients;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.LedgerReader;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerVerdict;
import io.smallrye.common.annotation.Identifier;

/**
 * Re-publishes selected dead letters to the commands topic with their original key, value and headers, the
 * diagnostic headers renamed and replay headers added ({@link ReplayHeaders}). It reads the dead-letter topic with a
 * group-less consumer from the beginning to the end offsets captured at the start, so it always terminates, and the
 * ledger topic the same way, to say for each command whether it already has a run (such a replay is safe: the worker
 * dedupes it). Blocking, one replay at a time: used by the {@code replay} command line and the admin endpoint, never
 * on an event loop.
 */
@ApplicationScoped
public class DeadLetterReplayer {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Most sends awaiting the broker's acknowledgement at once. */
    private static final int SEND_WINDOW = 64;

    private final Map<String, Object> kafka;
    private final LedgerReader ledgerReader;
    private final CommandParser parser;
    private final String deadLetterTopic;
    private final String commandsTopic;
    private final String ledgerTopic;
    private final Duration restoreTimeout;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Clock clock = Clock.systemUTC();

    @Inject
    public DeadLetterReplayer(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            LedgerReader ledgerReader, CommandParser parser, WorkerConfig config) {
        this.kafka = kafka;
        this.ledgerReader = ledgerReader;
        this.parser = parser;
        this.deadLetterTopic = config.topic().deadLetters();
        this.commandsTopic = config.topic().commands();
        this.ledgerTopic = config.topic().ledger();
        this.restoreTimeout = config.ledger().restoreTimeout();
    }

    /** Thrown when a replay is asked for while another one runs in this process. */
    public static final class ReplayRunningException extends IllegalStateException {
        ReplayRunningException() {
            super("a replay is already running in this process");
        }
    }

    /** Runs one replay; {@code out} gets one line per selected dead letter and progress lines. */
    public ReplaySummary replay(ReplayRequest request, Consumer<String> out) {
        if (!running.compareAndSet(false, true)) {
            throw new ReplayRunningException();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps("dlq"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = request.dryRun() ? null
                        : new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            Map<String, LedgerRecord> ledger = readLedger(out);
            return run(request, consumer, producer, ledger, out);
        } finally {
            running.set(false);
        }
    }

    private ReplaySummary run(ReplayRequest request, KafkaConsumer<byte[], byte[]> consumer,
            KafkaProducer<byte[], byte[]> producer, Map<String, LedgerRecord> ledger, Consumer<String> out) {
        List<TopicPartition> partitions = partitions(consumer, deadLetterTopic);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, KAFKA_TIMEOUT);
        long total = partitions.stream().mapToLong(tp -> ends.get(tp) - begins.get(tp)).sum();
        int commandsPartitions = partitions(consumer, commandsTopic).size();
        out.accept((request.dryRun() ? "dry run: " : "") + "reading " + total + " dead letters of " + deadLetterTopic
                + " (" + partitions.size() + " partitions), replaying to " + commandsTopic + " at most "
                + request.ratePerSecond() + "/s");
        Counts counts = new Counts();
        List<ReplaySummary.ReplayedRecord> listed = new ArrayList<>();
        long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / request.ratePerSecond());
        long nextSendAt = System.nanoTime();
        long lastProgress = System.nanoTime();
        long idleSince = System.nanoTime();
        // Sends in flight, oldest first: a bounded window keeps throughput up (one send per broker round trip would
        // cap a replay at a few dozen records per second) while lines still come out in the order read.
        ArrayDeque<Pending> pending = new ArrayDeque<>();
        while (!done(consumer, partitions, ends)) {
            var batch = consumer.poll(Duration.ofMillis(200));
            if (batch.isEmpty() && System.nanoTime() - idleSince > KAFKA_TIMEOUT.toNanos()) {
                throw new IllegalStateException("the dead-letter topic could not be read to its end within "
                        + KAFKA_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> record : batch) {
                idleSince = System.nanoTime();
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= ends.get(tp)) {
                    continue; // written after the replay began (perhaps by this replay's own failures)
                }
                counts.scanned++;
                Optional<String> commandId = commandId(record);
                Optional<String> code = ReplayHeaders.text(record.headers(), "aihub-error-code");
                if (request.selection().matches(commandId, code, Instant.ofEpochMilli(record.timestamp()))) {
                    counts.selected++;
                    if (!request.dryRun()) {
                        long wait = nextSendAt - System.nanoTime();
                        if (wait > 0) {
                            // A blocking batch tool on its own thread: parking paces it simply and exactly.
                            LockSupport.parkNanos(wait);
                        }
                        nextSendAt = Math.max(nextSendAt, System.nanoTime() - intervalNanos) + intervalNanos;
                    }
                    pending.add(replayOne(record, commandId, code, ledger, producer, counts,
                            originalPartition(record, commandsPartitions)));
                    while (pending.size() > SEND_WINDOW) {
                        finish(pending.poll(), counts, listed, out);
                    }
                }
                if (counts.scanned % request.progressEvery() == 0
                        || System.nanoTime() - lastProgress > PROGRESS_NANOS) {
                    lastProgress = System.nanoTime();
                    out.accept("progress: " + counts.scanned + "/" + total + " read, " + counts.selected + " selected, "
                            + counts.replayed + " replayed, " + counts.failed + " failed");
                }
            }
        }
        while (!pending.isEmpty()) {
            finish(pending.poll(), counts, listed, out);
        }
        ReplaySummary summary = new ReplaySummary(request.dryRun(), counts.scanned, counts.selected, counts.replayed,
                counts.alreadyRun, counts.failed, List.copyOf(listed));
        out.accept(summary.line());
        LOG.infof("replay of %s: %s", deadLetterTopic, summary.line());
        return summary;
    }

    /** A selected dead letter and, unless this is a dry run, its send. */
    private record Pending(ReplaySummary.ReplayedRecord record,
            Optional<Future<RecordMetadata>> send) {
    }

    private Pending replayOne(ConsumerRecord<byte[], byte[]> record, Optional<String> commandId,
            Optional<String> code, Map<String, LedgerRecord> ledger, KafkaProducer<byte[], byte[]> producer,
            Counts counts, Integer partition) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        LedgerVerdict verdict = LedgerVerdict.of(commandId.map(ledger::get));
        if (verdict.alreadyRun()) {
            counts.alreadyRun++;
        }
        var replayed = new ReplaySummary.ReplayedRecord(where, commandId.orElse(null), code.orElse(null),
                producer == null ? "WOULD_REPLAY" : "REPLAYED", verdict.text(), verdict.runId().orElse(null));
        if (producer == null) {
            return new Pending(replayed, Optional.empty());
        }
        ProducerRecord<byte[], byte[]> replay = new ProducerRecord<>(commandsTopic, partition, record.key(),
                record.value(), ReplayHeaders.forReplay(record.headers(), record.topic(), record.partition(),
                        record.offset(), clock.instant()));
        return new Pending(replayed, Optional.of(producer.send(replay)));
    }

    /**
     * The commands partition the dead letter came from, so the replay lands where the ledger knows the command
     * (a producer's partitioner may differ from Kafka's default); null, for the default one, when unknown.
     */
    private Integer originalPartition(ConsumerRecord<byte[], byte[]> record, int commandsPartitions) {
        if (!ReplayHeaders.text(record.headers(), DeadLetterHeaders.TOPIC).filter(commandsTopic::equals).isPresent()) {
            return null;
        }
        try {
            int partition = Integer.parseInt(
                    ReplayHeaders.text(record.headers(), DeadLetterHeaders.PARTITION).orElse("-1").trim());
            return partition >= 0 && partition < commandsPartitions ? partition : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Waits for a pending send, counts it and reports it. */
    private void finish(Pending pending, Counts counts, List<ReplaySummary.ReplayedRecord> listed,
            Consumer<String> out) {
        ReplaySummary.ReplayedRecord result = pending.record();
        if (pending.send().isPresent()) {
            try {
                pending.send().get().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                counts.replayed++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("replay interrupted", e);
            } catch (Exception e) {
                counts.failed++;
                result = new ReplaySummary.ReplayedRecord(result.deadLetter(), result.commandId(), result.code(),
                        "FAILED", result.ledger(), result.runId());
                LOG.warnf("dead letter %s could not be replayed (%s)", result.deadLetter(),
                        e.getClass().getSimpleName());
            }
        }
        if (listed.size() < ReplaySummary.MAX_LISTED) {
            listed.add(result);
        }
        out.accept(result.line());
    }

    /** The command ID as the worker would read it; a record it cannot parse at all has none. */
    private Optional<String> commandId(ConsumerRecord<byte[], byte[]> record) {
        ParseResult result = parser.parse(record.value(), record.headers());
        return result instanceof ParseResult.Parsed parsed ? Optional.of(parsed.command().commandId())
                : ((ParseResult.Invalid) result).commandId();
    }

    /** Every ledger partition read to its end: the latest record of each command. */
    private Map<String, LedgerRecord> readLedger(Consumer<String> out) {
        Map<String, LedgerRecord> all = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps("ledger-partitions"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (TopicPartition tp : partitions(consumer, ledgerTopic)) {
                all.putAll(ledgerReader.read(tp.partition(), restoreTimeout));
            }
        }
        out.accept("ledger " + ledgerTopic + ": " + all.size() + " commands known");
        return all;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, KAFKA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    private static boolean done(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> ends) {
        return partitions.stream().allMatch(tp -> consumer.position(tp, KAFKA_TIMEOUT) >= ends.get(tp));
    }

    private Map<String, Object> consumerProps(String purpose) {
        return KafkaClients.grouplessConsumer(kafka, "replay-" + purpose, 500);
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        kafka.forEach((name, value) -> {
            if (name.startsWith("security.") || name.startsWith("sasl.") || name.startsWith("ssl.")) {
                props.put(name, value);
            }
        });
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "aihub-run-worker-replay");
        // Records are paced by --rate, not batched: waiting to fill a batch only delays each one.
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }

    private static final class Counts {
        long scanned;
        long selected;
        long replayed;
        long alreadyRun;
        long failed;
    }
}
