package io.aihub.worker.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.observability.VertxContexts;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes ledger snapshots to the {@value #CHANNEL} channel, to the ledger partition with the same number as the
 * command's source partition, and records each in the in-memory {@link LedgerView} once the broker has acknowledged
 * it — never before, so the view never runs ahead of what a restore would find.
 * <p>
 * Snapshots go through the channel's own Kafka producer ({@link KafkaClientService#getProducer}), so its
 * configuration applies, rather than the emitter's message pipeline: the ledger needs no CloudEvent, trace or ack.
 */
@ApplicationScoped
public class LedgerWriter {

    /** The outgoing channel of the ledger topic. */
    public static final String CHANNEL = "ledger";

    private final MutinyEmitter<byte[]> emitter;
    private final KafkaClientService kafka;
    private final ObjectMapper mapper;
    private final LedgerView view;
    private final String topic;
    private volatile KafkaProducer<String, byte[]> producer;

    @Inject
    public LedgerWriter(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) MutinyEmitter<byte[]> emitter,
            KafkaClientService kafka, ObjectMapper mapper, LedgerView view,
            WorkerConfig config) {
        this.emitter = emitter;
        this.kafka = kafka;
        this.mapper = mapper;
        this.view = view;
        this.topic = config.topic().ledger();
    }

    /**
     * Writes one snapshot under {@code lease} (only while it permits, else {@link LeaseEndedException}); completes
     * when the broker has it.
     */
    public Uni<Void> write(Lease lease, LedgerRecord snapshot) {
        int partition = lease.partition();
        // The next revision of the command: writes of one command are sequential (its claim, or its run's step).
        LedgerRecord record = snapshot.toBuilder()
                .revision(view.get(snapshot.commandId()).map(known -> known.revision() + 1).orElse(1L)).build();
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("ledger record could not be written", e));
        }
        // The producer completes on its network thread; what follows a write runs where the write was asked.
        return VertxContexts.resumeOnCaller(lease.write(() -> producer()
                .send(new ProducerRecord<>(topic, partition, record.commandId(), value)).replaceWithVoid()))
                .invoke(() -> view.remember(lease, record));
    }

    /** Removes a command from the ledger (compaction drops it); completes when the broker has the tombstone. */
    public Uni<Void> tombstone(Lease lease, String commandId) {
        int partition = lease.partition();
        // Rare (the hourly cleanup): through the emitter, which also keeps the channel wired.
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(commandId)
                .withPartition(partition)
                .build();
        return lease.write(() -> emitter.sendMessage(Message.<byte[]> of(null, Metadata.of(metadata))))
                .invoke(() -> view.forget(partition, commandId));
    }

    /** Completes when every snapshot handed to the producer so far has been sent (or failed). */
    public Uni<Void> flush() {
        return producer().flush();
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            p = kafka.getProducer(CHANNEL);
            if (p == null) {
                throw new IllegalStateException("the " + CHANNEL + " channel has no Kafka producer");
            }
            producer = p;
        }
        return p;
    }
}
