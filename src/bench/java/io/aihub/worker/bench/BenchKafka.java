package io.aihub.worker.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The harness's Kafka side: topics per phase, the commands it produces, the events it reads, group assignment. */
final class BenchKafka implements AutoCloseable {
    static final int PARTITIONS = 8;

    private final String bootstrap;
    private final Admin admin;

    BenchKafka(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The four topics of one phase, 8 partitions each; the ledger compacted as the worker wants it. */
    record Topics(String commands, String events, String deadLetters, String ledger) {
        static Topics of(String phase) {
            return new Topics("bench." + phase + ".commands", "bench." + phase + ".events",
                    "bench." + phase + ".dlq", "bench." + phase + ".ledger");
        }
    }

    void create(Topics topics) throws Exception {
        admin.createTopics(List.of(new NewTopic(topics.commands(), PARTITIONS, (short) 1),
                new NewTopic(topics.events(), PARTITIONS, (short) 1),
                new NewTopic(topics.deadLetters(), PARTITIONS, (short) 1),
                new NewTopic(topics.ledger(), PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                .all().get(60, TimeUnit.SECONDS);
    }

    /** Waits until the group's members together own all partitions of the commands topic. */
    void awaitAssigned(String group, BenchProcess process, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            process.requireAlive();
            int assigned = 0;
            try {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                        .get(30, TimeUnit.SECONDS).get(group);
                for (MemberDescription member : description.members()) {
                    assigned += member.assignment().topicPartitions().size();
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            if (assigned >= PARTITIONS) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(250); // another process's group membership: nothing to await on but polling
        }
        throw new IllegalStateException(group + " did not own the " + PARTITIONS + " partitions within " + timeout);
    }

    /** Whether the group's members together own every partition now (false while it is unknown). */
    boolean ownsAll(String group) {
        try {
            int assigned = 0;
            for (MemberDescription member : admin.describeConsumerGroups(List.of(group)).all()
                    .get(5, TimeUnit.SECONDS).get(group).members()) {
                assigned += member.assignment().topicPartitions().size();
            }
            return assigned >= PARTITIONS;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Produces {@code count} commands keyed by their ID and returns the Unix millisecond just before the first send.
     * The app name picks the simulator's scenario ({@code forever} keeps runs going).
     */
    long produceCommands(String topic, String prefix, int count, String appName) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            long first = System.currentTimeMillis();
            // Every send is checked and a failed one sent again: a smoke run found 4,591 of 5,000 commands on the
            // topic (and 1,860 of 2,000), the others lost without a word while the fresh topic's leaders settled.
            List<Integer> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                pending.add(i);
            }
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                Map<Integer, java.util.concurrent.Future<?>> sent = new java.util.LinkedHashMap<>();
                for (int i : pending) {
                    String id = prefix + "-" + i;
                    sent.put(i, producer.send(new ProducerRecord<>(topic, id, "{\"command_id\": \"" + id
                            + "\", \"app_name\": \"" + appName + "\", \"batch_id\": " + (1000 + i % 97)
                            + ", \"output_workspace\": \"bench\", \"metadata\": {\"benchmark\": \"" + prefix
                            + "\"}}")));
                }
                producer.flush();
                List<Integer> failed = new ArrayList<>();
                Exception last = null;
                for (var e : sent.entrySet()) {
                    try {
                        e.getValue().get();
                    } catch (java.util.concurrent.ExecutionException ex) {
                        failed.add(e.getKey());
                        last = ex;
                    }
                }
                if (!failed.isEmpty() && attempt >= 5) {
                    throw new IllegalStateException(failed.size() + " of " + count + " commands not produced", last);
                }
                pending = failed;
            }
            return first;
        }
    }

    /** What the harness read from an events topic. */
    static final class Events {
        /** Command ID to the record timestamp (Unix ms) of its {@code submitted} event. */
        final Map<String, Long> submitted = new HashMap<>();
        /** Number of events of any other type. */
        int others;
        /** Number of events whose type the predicate accepted (terminal ones, when asked). */
        int matching;

        long lastSubmitted() {
            return submitted.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    /**
     * Reads the events topic from the beginning until {@code done} accepts what was read (it counts events whose
     * type {@code counted} names in {@link Events#matching}), or the deadline passes; the process must stay alive.
     * Only events of commands whose ID starts with {@code prefix-} count.
     */
    Events readEvents(String topic, String prefix, Predicate<String> counted,
            Predicate<Events> done, BenchProcess process, Duration timeout) {
        Events events = new Events();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(events) && System.nanoTime() < deadline) {
                process.requireAlive();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null || !record.key().startsWith(prefix + "-")) {
                        continue; // another batch of commands on the same topics (the warm-up)
                    }
                    Header type = record.headers().lastHeader("ce_type");
                    String ceType = type == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
                    if ("aihub.run.submitted".equals(ceType)) {
                        events.submitted.putIfAbsent(record.key(), record.timestamp());
                    } else {
                        events.others++;
                    }
                    if (counted.test(ceType)) {
                        events.matching++;
                    }
                }
            }
        }
        return events;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
