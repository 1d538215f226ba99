package io.aihub.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.PartitionOwnership;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.vertx.core.Vertx;

/** What counts as proof that a paused replica is still a member of its group. */
class MembershipWatchTest {

    private final Vertx vertx = Vertx.vertx();
    private final PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(2));
    private final List<Integer> forgotten = new ArrayList<>();
    /** Lost partitions are fenced for real; the tracker and pauses they would also reach are left out. */
    private final LostPartitions lost = new LostPartitions(ownership, null, null) {
        @Override
        public void forget(Collection<Integer> partitions) {
            forgotten.addAll(partitions);
            ownership.revoked(partitions);
        }
    };
    private final MockConsumer<Object, Object> consumer = new MockConsumer<>("earliest");
    private final MembershipWatch watch = new MembershipWatch(vertx, ownership, lost, new Clients(consumer),
            Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(1));

    /** The commands channel's consumer, whose polling thread is the test's own. */
    private static final class Clients implements KafkaClientService {

        private final MockConsumer<Object, Object> consumer;

        Clients(MockConsumer<Object, Object> consumer) {
            this.consumer = consumer;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <K, V> List<KafkaConsumer<K, V>> getConsumers(String channel) {
            Object polling = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { KafkaConsumer.class },
                    (proxy, method, args) -> {
                        if (method.getName().equals("runOnPollingThread") && args[0] instanceof Function<?, ?> f) {
                            return Uni.createFrom().item(((Function<Object, Object>) f).apply(consumer));
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
            return List.of((KafkaConsumer<K, V>) polling);
        }

        @Override
        public <K, V> KafkaProducer<K, V> getProducer(String channel) {
            return null;
        }

        @Override
        public Set<String> getConsumerChannels() {
            return Set.of();
        }

        @Override
        public Set<String> getProducerChannels() {
            return Set.of();
        }
    }

    @AfterEach
    void close() {
        vertx.close();
    }

    private Lease activeLease(int partition) {
        ownership.assigned(List.of(partition));
        Lease lease = ownership.lease(partition).orElseThrow();
        ownership.restored(lease);
        return lease;
    }

    @Test
    void a_rebalance_callback_right_after_a_pause_does_not_let_the_zombie_act() {
        Lease lease = activeLease(4);
        ownership.suspend(); // the clock saw a pause longer than worker.fencing.max-pause

        CompletableFuture<Boolean> permit = lease.permit().subscribeAsCompletionStage();
        // The consumer finishes the rebalance it joined before it froze, in a generation the group may have left.
        watch.rebalanced();

        assertThat(ownership.suspended()).isTrue();
        assertThat(permit).isNotDone();
        assertThat(lease.tryStartPost()).isFalse();
    }

    @Test
    void a_rebalance_callback_that_runs_before_the_clock_notices_a_pause_does_not_let_the_zombie_act() {
        Lease lease = activeLease(6);
        // Frozen for 3 s (max-pause 2 s); on resuming, the polling thread runs a callback before the clock ticks.
        ownership.heartbeat(System.nanoTime() - Duration.ofSeconds(3).toNanos());

        watch.rebalanced();

        assertThat(ownership.fresh()).isFalse();
        assertThat(lease.permit().subscribeAsCompletionStage()).isNotDone();
        assertThat(lease.tryStartPost()).isFalse();
    }

    @Test
    void after_a_pause_the_probe_ends_the_leases_of_partitions_lost_without_a_revocation_then_confirms() {
        TopicPartition kept = new TopicPartition("aihub.run.commands", 3);
        consumer.assign(List.of(kept));
        consumer.commitSync(Map.of(kept, new OffsetAndMetadata(10)));
        Lease lostLease = activeLease(1); // the consumer no longer holds partition 1: its revocation never ran
        Lease keptLease = activeLease(3);
        ownership.suspend();

        watch.probe();

        assertThat(ownership.suspended()).isFalse();
        assertThat(forgotten).containsExactly(1);
        assertThat(ownership.ownedPartitions()).containsExactly(3);
        assertThat(lostLease.permit().await().atMost(Duration.ofSeconds(1))).isFalse();
        assertThat(lostLease.tryStartPost()).isFalse();
        assertThat(keptLease.permit().await().atMost(Duration.ofSeconds(1))).isTrue();
        assertThat(consumer.committed(Set.of(kept)).get(kept).offset()).isEqualTo(10);
    }

    @Test
    void with_nothing_committed_yet_the_proof_commits_the_log_start_and_never_skips_a_record() {
        TopicPartition fresh = new TopicPartition("aihub.run.commands", 4);
        consumer.assign(List.of(fresh));
        consumer.updateBeginningOffsets(Map.of(fresh, 5L));
        Lease lease = activeLease(4);
        ownership.requireProof(Duration.ofMillis(500));
        await().atMost(Duration.ofSeconds(3)).until(() -> !ownership.fresh());

        watch.probe();

        assertThat(consumer.committed(Set.of(fresh)).get(fresh).offset()).isEqualTo(5);
        assertThat(lease.permit().await().atMost(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void after_a_pause_a_replica_that_holds_nothing_any_more_keeps_no_lease() {
        Lease lostLease = activeLease(2);
        ownership.suspend();

        watch.probe();

        assertThat(ownership.ownedPartitions()).isEmpty();
        assertThat(lostLease.permit().await().atMost(Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void a_replica_whose_commits_the_group_stops_accepting_stops_acting_once_its_last_proof_ages_out() {
        TopicPartition held = new TopicPartition("aihub.run.commands", 3);
        consumer.assign(List.of(held));
        consumer.commitSync(Map.of(held, new OffsetAndMetadata(10)));
        Lease lease = activeLease(3);
        ownership.requireProof(Duration.ofMillis(500));
        consumer.setOffsetsException(new KafkaException("the coordinator does not answer"));

        watch.probe();
        await().atMost(Duration.ofSeconds(3)).until(() -> !ownership.fresh());

        CompletableFuture<Boolean> permit = lease.permit().subscribeAsCompletionStage();
        assertThat(permit).isNotDone();
        assertThat(lease.tryStartPost()).isFalse();

        consumer.setOffsetsException(null);
        watch.probe();

        assertThat(permit).isCompletedWithValue(true);
        assertThat(consumer.committed(Set.of(held)).get(held).offset()).isEqualTo(10);
    }

    @Test
    void a_rebalance_callback_without_a_pause_keeps_membership_fresh() {
        Lease lease = activeLease(5);

        watch.rebalanced();

        assertThat(ownership.suspended()).isFalse();
        assertThat(lease.permit().await().atMost(Duration.ofSeconds(1))).isTrue();
    }
}
