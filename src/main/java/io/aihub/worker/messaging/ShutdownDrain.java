package io.aihub.worker.messaging;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.aihub.worker.config.WorkerConfig;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Graceful shutdown on SIGTERM (design.md, guarantee 8): before the channels close, stop taking commands and let
 * the submissions in flight reach their outcome, bounded by {@code worker.shutdown.drain-timeout}. What is not done
 * by then stays uncommitted and is redelivered to the partition's next owner, which reconciles it through the
 * ledger. Runs being tracked need nothing: their state is in the ledger already.
 */
@ApplicationScoped
public class ShutdownDrain {

    private static final Logger LOG = Logger.getLogger(ShutdownDrain.class);

    private final CommandConsumer consumer;
    private final Duration timeout;

    @Inject
    public ShutdownDrain(CommandConsumer consumer, WorkerConfig config) {
        this.consumer = consumer;
        this.timeout = config.shutdown().drainTimeout();
    }

    void drain(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event)
            throws InterruptedException {
        int inFlight = consumer.inFlight();
        LOG.infof("shutting down: no new commands; waiting for %d in flight (at most %d ms)", inFlight,
                timeout.toMillis());
        boolean drained = consumer.drain(timeout);
        LOG.infof(drained ? "drained: every command in flight has its outcome"
                : "drain timed out: the commands still in flight will be redelivered to the next owner");
    }
}
