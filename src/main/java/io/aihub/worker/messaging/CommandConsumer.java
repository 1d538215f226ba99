package io.aihub.worker.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.aihub.worker.command.CommandParser;
import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.flow.BackoffSlots;
import io.aihub.worker.flow.InFlightWindow;
import io.aihub.worker.flow.KeyOrdering;
import io.aihub.worker.intake.CommandHandler;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.observability.CommandLog;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Reads the {@value #CHANNEL} channel as raw bytes, parses each record and hands it on. Valid commands run
 * concurrently up to {@code worker.max-in-flight}: the method returns as soon as a slot is taken, and acknowledges
 * the record later, when its outcome is durable; SmallRye's throttled commit strategy never commits past a record
 * that is not acknowledged yet.
 */
@ApplicationScoped
public class CommandConsumer {

    /** The incoming channel of run commands. */
    public static final String CHANNEL = "commands";

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);

    private final CommandParser parser;
    private final CommandHandler handler;
    private final InFlightWindow window;
    private final PartitionOwnership ownership;
    private final IntakeGate gate;
    private final KeyOrdering ordering;
    private final BackoffSlots backoff;
    private volatile boolean draining;

    @Inject
    public CommandConsumer(CommandParser parser, CommandHandler handler, PartitionOwnership ownership, WorkerConfig config,
            IntakeGate gate, BackoffSlots backoff, InFlightWindow window) {
        this.gate = gate;
        this.backoff = backoff;
        this.ordering = new KeyOrdering(config.ordering() == WorkerConfig.Ordering.KEY);
        this.parser = parser;
        this.handler = handler;
        this.ownership = ownership;
        this.window = window;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<byte[]> message) {
        CommandRecord record = toRecord(message);
        if (draining) {
            // Shutting down: the record stays unacknowledged, so its offset is not committed and it is redelivered.
            return Uni.createFrom().voidItem();
        }
        // Records of a partition wait until its ledger is restored (bounded by the restore timeout).
        return ownership.awaitRestored(record.partition()).chain(() -> {
            Optional<Lease> lease = ownership.lease(record.partition());
            if (lease.isEmpty()) {
                // Fetched before a revocation: its new owner reads it again; nothing here may act on it.
                return Uni.createFrom().voidItem();
            }
            return process(message, record, lease.get());
        });
    }

    private Uni<Void> process(Message<byte[]> message, CommandRecord record, Lease lease) {
        ParseResult result = parser.parse(record.value(), record.headers());
        // Rejections take a slot like submissions: one that waits on a command ID's claim (a malformed copy of a
        // command in retry) must not hold up the rest of the stream.
        String commandId = result instanceof ParseResult.Parsed parsed ? parsed.command().commandId()
                : ((ParseResult.Invalid) result).commandId().orElse("unknown");
        // An AI Hub outage or a full tracker holds intake first (back-pressure), then a slot is taken.
        return gate.awaitOpen().chain(window::admit).invoke(() -> {
            if (draining) {
                // Admitted after the drain began: left unacknowledged, so it is redelivered to the next owner.
                window.release();
                return;
            }
            if (result instanceof ParseResult.Parsed) {
                backoff.admitted(commandId); // it may wait out its backoffs outside the window
            }
            Uni<Void> outcome = ordering.inOrder(record.key(), () -> result instanceof ParseResult.Parsed parsed
                    ? handler.run(record, parsed.command(), lease)
                    : handler.reject(record, (ParseResult.Invalid) result, lease));
            outcome.eventually(() -> {
                if (result instanceof ParseResult.Parsed) {
                    backoff.finished(commandId);
                }
                window.release();
            })
                    .subscribe().with(
                            done -> message.ack(),
                            failure -> {
                                // Only the broker failing to take our outcome gets here; the record is not committed.
                                CommandLog.error(LOG, commandId, null, "outcome could not be written (%s)",
                                        failure.getClass().getSimpleName());
                                nack(message, failure);
                            });
        });
    }

    private static CompletionStage<Void> nack(Message<byte[]> message, Throwable failure) {
        return message.nack(failure);
    }

    /** Commands being submitted now. */
    int inFlight() {
        return window.inFlight();
    }

    /**
     * Stops taking commands and waits, at most {@code timeout}, for those in flight to reach their outcome, so that
     * their offsets can be committed when the consumer closes. Blocking: called from the shutdown thread.
     */
    boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        try {
            window.whenIdle().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static CommandRecord toRecord(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<byte[], byte[]> metadata = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("the commands channel must be a Kafka channel"));
        return new CommandRecord(metadata.getTopic(), metadata.getPartition(), metadata.getOffset(), metadata.getKey(),
                message.getPayload(), metadata.getHeaders());
    }
}
