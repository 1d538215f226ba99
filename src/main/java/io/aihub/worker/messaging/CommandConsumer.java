package io.aihub.worker.messaging;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.aihub.worker.command.CommandParser;
import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.flow.AcceptedRecords;
import io.aihub.worker.intake.CommandHandler;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LeaseEndedException;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.observability.CommandLog;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;

/**
 * Reads the {@value #CHANNEL} channel as raw bytes and takes each record in: the method returns as soon as the
 * record is accepted, and the record is acknowledged later, under its partition's lease, when its outcome is
 * durable (SmallRye's throttled commit strategy never commits past a record not acknowledged yet). It holds the
 * stream only while too many accepted records wait to finish (seconds); a restore, an outage, the tracked-runs cap
 * and hot keys pause fetching instead ({@link PartitionPauses}), so no record waits on them inside SmallRye's limits.
 */
@ApplicationScoped
public class CommandConsumer {

    /** The incoming channel of run commands. */
    public static final String CHANNEL = "commands";

    private static final Logger LOG = Logger.getLogger(CommandConsumer.class);
    private static final long STALL_CHECK_MS = 10_000;
    private static final long MIN_STALL_NANOS = Duration.ofSeconds(30).toNanos();

    private final CommandParser parser;
    private final CommandHandler handler;
    private final PartitionOwnership ownership;
    private final IntakeGate gate;
    private final PartitionPauses pauses;
    /** Records accepted and not yet done: in flight, in backoff, or waiting for their key, ID or a slot. */
    private final AcceptedRecords accepted;
    private final HeldRecords held;

    /** An accepted record not done yet, and when it was accepted ({@link System#nanoTime()}); identity equality. */
    private record Taken(CommandRecord record, long at) {
        @Override
        public boolean equals(Object other) {
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private final Set<Taken> acceptedAt = ConcurrentHashMap.newKeySet();
    /** A record older than this (a quarter of SmallRye's limit, at least 30 s) is reported as stalled. */
    private final long stallNanos;
    private final Vertx vertx;
    private volatile boolean draining;
    private long timerId = -1;
    private long lastStallWarning;

    @Inject
    public CommandConsumer(CommandParser parser, CommandHandler handler, PartitionOwnership ownership,
            WorkerConfig config, IntakeGate gate, PartitionPauses pauses, AcceptedRecords accepted, Vertx vertx) {
        this.parser = parser;
        this.handler = handler;
        this.ownership = ownership;
        this.gate = gate;
        this.pauses = pauses;
        this.vertx = vertx;
        this.accepted = accepted;
        // Held records go to intake on the event loop's later turns, a few at a time, never in one long call.
        this.held = new HeldRecords(pauses, (h, valid) -> valid ? accept(h.message(), h.record(), h.lease())
                : Uni.createFrom().voidItem(), task -> vertx.runOnContext(v -> task.run()));
        this.stallNanos = Math.max(MIN_STALL_NANOS, Duration.ofMillis(config.unprocessedRecordMaxAgeMs() / 4).toNanos());
    }

    void startStallWatch(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(STALL_CHECK_MS, id -> warnIfStalled(System.nanoTime()));
    }

    @PreDestroy
    void stopStallWatch() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<byte[]> message) {
        CommandRecord record = toRecord(message);
        // SmallRye resumes the whole assignment for its own queue: a partition paused for a reason of ours is paused
        // again as soon as one of its records shows it was released.
        pauses.arrived(record.partition());
        Optional<Lease> lease = ownership.lease(record.partition());
        if (draining || lease.isEmpty() || !lease.get().isValid()) {
            // Shutting down, or fetched before a revocation: left unacknowledged, so it is delivered again (to
            // the partition's next owner); nothing here may act on it.
            return Uni.createFrom().voidItem();
        }
        if (held.hold(new HeldRecords.Held(message, record, lease.get()))) {
            return Uni.createFrom().voidItem();
        }
        return accept(message, record, lease.get());
    }

    /** Completes once the record is accepted (a place among the accepted is free); its work goes on after. */
    private Uni<Void> accept(Message<byte[]> message, CommandRecord record, Lease lease) {
        return accepted.admit().invoke(() -> {
            if (draining) {
                accepted.release(); // accepted after the drain began: left unacknowledged, delivered again
                return;
            }
            Taken taken = new Taken(record, System.nanoTime());
            acceptedAt.add(taken);
            gate.accepted(record.partition(), record.key());
            ParseResult result = parser.parse(record.value(), record.headers());
            Uni.createFrom().deferred(() -> handler.handle(record, result, lease))
                    .eventually(() -> {
                        acceptedAt.remove(taken);
                        accepted.release();
                    })
                    .subscribe().with(done -> acknowledge(message, lease), failure -> failed(message, record, lease,
                            result, failure));
        });
    }

    /** Acknowledged only under the lease the record was received in: work of an earlier epoch never acks. */
    private static void acknowledge(Message<byte[]> message, Lease lease) {
        lease.permit().subscribe().with(permitted -> {
            if (permitted) {
                message.ack();
            }
        });
    }

    private void failed(Message<byte[]> message, CommandRecord record, Lease lease, ParseResult result,
            Throwable failure) {
        if (failure instanceof LeaseEndedException || !lease.isValid() || draining) {
            return; // the partition moved, or the worker stops: left unacknowledged for the next owner
        }
        // Only the broker refusing our outcome gets here (the writes retry first); the record is not committed.
        String commandId = result instanceof ParseResult.Parsed parsed ? parsed.command().commandId()
                : ((ParseResult.Invalid) result).commandId().orElse(null);
        CommandLog.error(LOG, commandId, null, "outcome of %s could not be written (%s)", record,
                failure.getClass().getSimpleName());
        message.nack(failure);
    }

    /**
     * The safety net of design.md's "Liveness": a record accepted, or held after its partition was restored, that has
     * made no progress for a quarter of SmallRye's {@code unprocessed-record-max-age} is reported, with where the
     * records wait, long before SmallRye fails the channel for it. At most one warning per that period.
     */
    void warnIfStalled(long nowNanos) {
        List<String> heldStalled = held.stalled(nowNanos, stallNanos);
        Taken oldest = acceptedAt.stream().min(Comparator.comparingLong(Taken::at)).orElse(null);
        boolean acceptedStalled = oldest != null && nowNanos - oldest.at() >= stallNanos;
        if (heldStalled.isEmpty() && !acceptedStalled
                || lastStallWarning != 0 && nowNanos - lastStallWarning < stallNanos) {
            return;
        }
        lastStallWarning = nowNanos;
        LOG.warnf("commands make no progress (SmallRye fails the channel at unprocessed-record-max-age): held %s; "
                + "oldest accepted %s; %d held, %d accepted and not done, %s; partitions restoring %s",
                heldStalled.isEmpty() ? "none stalled" : heldStalled,
                oldest == null ? "none"
                        : oldest.record() + " for " + TimeUnit.NANOSECONDS.toSeconds(nowNanos
                                - oldest.at()) + " s",
                held.size(), accepted.inFlight(), handler.stages(), ownership.restoringPartitions());
    }

    /** Records accepted and not yet done now. */
    int inFlight() {
        return accepted.inFlight();
    }

    /** Records held for a restoring partition now. */
    int held() {
        return held.size();
    }

    /**
     * Stops taking records and waits, at most {@code timeout}, for every accepted record (in flight, in backoff or
     * waiting) to reach its outcome, so that its offset can be committed when the consumer closes. Blocking.
     */
    boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        try {
            accepted.whenIdle().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
