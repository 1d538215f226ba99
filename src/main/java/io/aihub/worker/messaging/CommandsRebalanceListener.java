package io.aihub.worker.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.aihub.worker.aihub.RateLimiter;
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.intake.SubmittingAfterRestore;
import io.aihub.worker.ledger.LedgerWriter;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.track.PartitionRecovery;
import io.aihub.worker.track.RunTracker;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Hands commands partitions over on rebalances (design.md, "Ownership and fencing"). Revocation, in this order:
 * no new POST → the partitions' tracker timers stop and steps under way end → POSTs on the wire are answered
 * (bounded by the request timeout) → nothing new may write, writes under way finish and the producers flush → the
 * partitions are forgotten. Lost partitions (the member was fenced) are fenced at once, without waiting for
 * anything. On assignment the ledger is restored in the background, and leases the consumer no longer holds (a
 * revocation this listener never saw, because the commit before it failed) end. Runs on the polling thread, and
 * every wait is bounded well within {@code max.poll.interval.ms}.
 */
@ApplicationScoped
@Identifier(CommandsRebalanceListener.NAME)
public class CommandsRebalanceListener implements KafkaConsumerRebalanceListener {

    /** The name the commands channel refers to in {@code consumer-rebalance-listener.name}. */
    public static final String NAME = "commands-rebalance";

    private static final Logger LOG = Logger.getLogger(CommandsRebalanceListener.class);
    private static final Duration COMMITTED_TIMEOUT = Duration.ofSeconds(10);
    /** How long the hand-over waits between two proofs of membership (see {@link MembershipWatch}). */
    private static final Duration PROOF_SLICE = Duration.ofMillis(500);
    /** Time for writes and flushes after the POSTs on the wire were answered. */
    private static final Duration WRITE_GRACE = Duration.ofSeconds(10);

    private final PartitionRecovery recovery;
    private final PartitionOwnership ownership;
    private final SubmittingAfterRestore submitting;
    private final RunTracker tracker;
    private final RateLimiter limiter;
    private final LedgerWriter ledger;
    private final EventPublisher events;
    private final MembershipWatch membership;
    private final LostPartitions lost;
    private final Duration requestTimeout;

    @Inject
    public CommandsRebalanceListener(PartitionRecovery recovery, PartitionOwnership ownership,
            SubmittingAfterRestore submitting,
            RunTracker tracker, RateLimiter limiter, LedgerWriter ledger, EventPublisher events,
            MembershipWatch membership, LostPartitions lost, AiHubConfig aihub) {
        this.recovery = recovery;
        this.ownership = ownership;
        this.submitting = submitting;
        this.tracker = tracker;
        this.limiter = limiter;
        this.ledger = ledger;
        this.events = events;
        this.membership = membership;
        this.lost = lost;
        this.requestTimeout = aihub.requestTimeout();
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        membership.rebalanced();
        List<Integer> assigned = numbers(partitions);
        lost.fenceUnassigned(consumer);
        // Assigned again without a revocation in between: work of the earlier assignment must not act.
        List<Integer> again = ownership.ownedPartitions().stream().filter(assigned::contains).toList();
        if (!again.isEmpty()) {
            LOG.warnf("partitions %s assigned again without a revocation this replica saw; earlier work fenced",
                    again);
            lost.fence(again);
        }
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committed(consumer, partitions);
        recovery.assigned(assigned);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata offset = committed.get(tp);
            long committedOffset = offset == null ? -1 : offset.offset();
            ownership.lease(tp.partition()).ifPresent(lease -> lease.awaitRestored().subscribe().with(restored -> {
                if (lease.isValid()) {
                    submitting.settle(lease, committedOffset);
                }
            }));
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<Integer> revoked = numbers(partitions);
        if (revoked.isEmpty()) {
            return;
        }
        int generation = consumer.groupMetadata().generationId();
        if (generation < 0) {
            // Lost, not revoked: another member may own them already, so nothing is waited for.
            LOG.warnf("partitions %s lost (this replica's membership was fenced); fenced at once", revoked);
            lost.fence(revoked);
            return;
        }
        membership.rebalanced();
        handOver(consumer, revoked);
    }

    private void handOver(Consumer<?, ?> consumer, List<Integer> revoked) {
        long deadline = System.nanoTime() + requestTimeout.plus(WRITE_GRACE).toNanos();
        try {
            ownership.revoking(revoked);
            limiter.dropUnwanted();
            CompletableFuture<Void> trackerStopped = tracker.stopPartitions(revoked);
            awaitProving(consumer, deadline, until -> done(trackerStopped, until));
            awaitProving(consumer, deadline, until -> ownership.awaitPostsOnWire(revoked, until));
            awaitProving(consumer, deadline, until -> ownership.fence(revoked, until));
            CompletableFuture<Void> ledgerFlushed = ledger.flush().subscribeAsCompletionStage();
            CompletableFuture<Void> eventsFlushed = events.flush().subscribeAsCompletionStage();
            awaitProving(consumer, deadline, until -> done(ledgerFlushed, until) && done(eventsFlushed, until));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lost.forget(revoked);
        }
    }

    /** A wait of the hand-over until a {@link System#nanoTime()} deadline; true when what it waits for is done. */
    @FunctionalInterface
    private interface Wait {
        boolean until(long deadline) throws InterruptedException;
    }

    /**
     * Waits in slices of {@link #PROOF_SLICE}, proving this replica's membership between them, so that work of the
     * other partitions (and the writes awaited here) keeps its permission while the polling thread is held here.
     */
    private void awaitProving(Consumer<?, ?> consumer, long deadline, Wait wait) throws InterruptedException {
        while (true) {
            long slice = Math.min(deadline, System.nanoTime() + PROOF_SLICE.toNanos());
            if (wait.until(slice) || deadline - System.nanoTime() <= 0) {
                return;
            }
            membership.proveNow(consumer);
        }
    }

    private static boolean done(CompletableFuture<?> step, long deadline) throws InterruptedException {
        try {
            step.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            LOG.debugf("hand-over step failed (%s); going on", e.getCause().getClass().getSimpleName());
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** The committed offsets of the assigned partitions, or none when the broker does not answer in time. */
    private static Map<TopicPartition, OffsetAndMetadata> committed(Consumer<?, ?> consumer,
            Collection<TopicPartition> partitions) {
        try {
            return consumer.committed(Set.copyOf(partitions), COMMITTED_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("committed offsets of %s unknown (%s): commands left submitting wait for their records",
                    partitions, e.getClass().getSimpleName());
            return Map.of();
        }
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }
}
