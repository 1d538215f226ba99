package io.aihub.worker.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.intake.CommandHandler;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.track.PartitionRecovery;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells {@link PartitionRecovery} which commands partitions this replica gains and loses. Runs on the consumer's
 * polling thread, so it only marks partitions and starts work in the background: blocking here longer than
 * {@code max.poll.interval.ms} would throw the consumer out of the group.
 */
@ApplicationScoped
@Identifier(CommandsRebalanceListener.NAME)
public class CommandsRebalanceListener implements KafkaConsumerRebalanceListener {

    /** The name the commands channel refers to in {@code consumer-rebalance-listener.name}. */
    public static final String NAME = "commands-rebalance";

    private final PartitionRecovery recovery;
    private final PartitionOwnership ownership;
    private final CommandHandler handler;
    private final Duration requestTimeout;

    @Inject
    public CommandsRebalanceListener(PartitionRecovery recovery, PartitionOwnership ownership, CommandHandler handler,
            AiHubConfig aihub) {
        this.requestTimeout = aihub.requestTimeout();
        this.recovery = recovery;
        this.ownership = ownership;
        this.handler = handler;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<Integer> assigned = numbers(partitions);
        recovery.assigned(assigned);
        for (int partition : assigned) {
            ownership.lease(partition).ifPresent(lease -> lease.awaitRestored().subscribe().with(restored -> {
                if (lease.mayPost()) {
                    handler.adoptSubmitting(lease);
                }
            }));
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<Integer> revoked = numbers(partitions);
        try {
            // POSTs already on the wire get their answer first (bounded by the request timeout), so a run they
            // create exists before the next owner searches for it on restore.
            ownership.revoking(revoked, requestTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recovery.revoked(revoked);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        recovery.revoked(numbers(partitions));
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }
}
