package io.aihub.worker.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import io.aihub.worker.ledger.PartitionOwnership;

/**
 * A second member of the worker's consumer group, in the test JVM: joining takes partitions from the worker in a
 * real (cooperative) rebalance; closing leaves the group, and the worker is assigned them again and restores their
 * ledger. It polls on a thread of its own so that it stays a member, reads nothing it keeps and never commits.
 */
public final class GroupMember implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private GroupMember(String bootstrap, String group, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "test-group-member-" + System.nanoTime(),
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Thread poller = new Thread(() -> {
            try {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        partitions.forEach(tp -> assigned.remove(tp.partition()));
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        // Nothing is read: records stay uncommitted and go back to the worker with the partition.
                        consumer.pause(partitions);
                        partitions.forEach(tp -> assigned.add(tp.partition()));
                    }
                });
                while (running.get()) {
                    consumer.poll(Duration.ofMillis(100));
                }
            } finally {
                consumer.close(Duration.ofSeconds(10));
                stopped.countDown();
            }
        }, "test-group-member");
        poller.setDaemon(true);
        poller.start();
    }

    /** What happens to a partition while a second group member holds it. */
    public interface WhileAway {
        void run(int partition) throws Exception;
    }

    /**
     * A real rebalance: a second member joins the worker's group and takes partitions from it (cooperatively),
     * {@code whileAway} runs for one of them, then the member leaves, and the worker is assigned it again and
     * restores its ledger. Returns that partition.
     */
    public static int awayAndBack(PartitionOwnership ownership, Duration timeout, WhileAway whileAway)
            throws Exception {
        int partition;
        try (GroupMember member = join()) {
            partition = member.awaitPartitions(timeout).iterator().next();
            await().atMost(timeout).until(() -> !ownership.owns(partition));
            whileAway.run(partition);
        }
        await().atMost(timeout).until(() -> ownership.owns(partition)
                && !ownership.restoringPartitions().contains(partition));
        return partition;
    }

    /** Joins the group of the worker under test, on its commands topic. */
    public static GroupMember join() {
        var config = ConfigProvider.getConfig();
        return new GroupMember(config.getValue("kafka.bootstrap.servers", String.class),
                config.getValue("worker.group-id", String.class), TestTopics.ofRunningApplication().commands());
    }

    /** The partitions this member holds once the rebalance it caused has settled. */
    public Set<Integer> awaitPartitions(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Integer> seen = Set.of();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Set<Integer> now = Set.copyOf(assigned);
            if (!now.equals(seen)) {
                seen = now;
                stableSince = System.nanoTime();
            } else if (!now.isEmpty() && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
                return now;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50); // watching another thread's callbacks: nothing to await on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("the test member holds no partition after " + timeout);
    }

    /** Leaves the group: the worker is assigned this member's partitions again. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        stopped.await(30, TimeUnit.SECONDS);
    }

    /** The partitions held now, sorted. */
    public List<Integer> partitions() {
        return assigned.stream().sorted().collect(Collectors.toList());
    }
}
