package io.aihub.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.support.WorkerSettings;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.vertx.core.Vertx;

/** What counts as proof that a paused replica is still a member of its group. */
class MembershipWatchTest {

    private final Vertx vertx = Vertx.vertx();
    private final PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(2));
    // No consumer: the probe (a commit in the current generation) is not what these tests are about.
    private final MembershipWatch watch = new MembershipWatch(vertx, ownership, new NoClients(),
            WorkerSettings.defaults());

    /** A client service with no channel started. */
    private static final class NoClients implements KafkaClientService {
        @Override
        public <K, V> List<KafkaConsumer<K, V>> getConsumers(String channel) {
            return List.of();
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
        watch.rebalanced(7);

        assertThat(ownership.suspended()).isTrue();
        assertThat(permit).isNotDone();
        assertThat(lease.tryStartPost()).isFalse();
    }

    @Test
    void a_rebalance_callback_without_a_pause_keeps_membership_fresh() {
        Lease lease = activeLease(5);

        watch.rebalanced(3);

        assertThat(ownership.suspended()).isFalse();
        assertThat(lease.permit().await().atMost(Duration.ofSeconds(1))).isTrue();
    }
}
