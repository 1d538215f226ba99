package io.aihub.worker.messaging;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.PartitionOwnership;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Graceful shutdown on SIGTERM (design.md, guarantee 8), whatever state the group is in: before the channels close,
 * fetching pauses, no new record is taken, and the accepted ones (in flight, in backoff, or waiting) reach their
 * outcome, bounded by {@code worker.shutdown.drain-timeout}. What is not done by then is fenced: it neither posts nor
 * writes, so nothing it drops is reported as a failed outcome; it stays uncommitted and is delivered again to the
 * partition's next owner, which reconciles it through the ledger. Then SmallRye commits and the consumer leaves
 * the group (its API timeout is short, so a rebalance under way cannot hold the exit past the grace period).
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final CommandConsumer consumer;
    private final PartitionPauses pauses;
    private final PartitionOwnership ownership;
    private final Duration timeout;

    @Inject
    public ShutdownDrain(CommandConsumer consumer, PartitionPauses pauses, PartitionOwnership ownership,
            WorkerConfig config) {
        this.consumer = consumer;
        this.pauses = pauses;
        this.ownership = ownership;
        this.timeout = config.shutdown().drainTimeout();
    }

    void drain(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event)
            throws InterruptedException {
        pauses.pauseAll(PartitionPauses.Reason.SHUTDOWN);
        int accepted = consumer.inFlight();
        LOG.infof("shutting down: no new commands; waiting for %d accepted (at most %d ms)", accepted,
                timeout.toMillis());
        boolean drained = consumer.drain(timeout);
        if (!drained) {
            ownership.fence(ownership.ownedPartitions(), System.nanoTime());
        }
        LOG.infof(drained ? "drained: every accepted command has its outcome"
                : "drain timed out: the commands not done are fenced and will be delivered again to the next owner");
    }
}
