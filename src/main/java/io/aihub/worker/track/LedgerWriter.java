package io.aihub.worker.track;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes ledger snapshots to the {@value #CHANNEL} channel, to the ledger partition with the same number as the
 * command's source partition, and records each in the in-memory {@link Ledger} once the broker has acknowledged
 * it — never before, so the view never runs ahead of what a restore would find.
 */
@ApplicationScoped
public class LedgerWriter {

    /** The outgoing channel of the ledger topic. */
    public static final String CHANNEL = "ledger";

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;
    private final Ledger ledger;

    @Inject
    public LedgerWriter(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    MutinyEmitter<byte[]> emitter, ObjectMapper mapper, Ledger ledger) {
        this.emitter = emitter;
        this.mapper = mapper;
        this.ledger = ledger;
    }

    /** Writes one snapshot; completes when the broker has it. */
    public Uni<Void> write(int partition, LedgerRecord record) {
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("ledger record could not be written", e));
        }
        return send(partition, record.commandId(), value).invoke(() -> ledger.remember(partition, record));
    }

    /** Removes a command from the ledger (compaction drops it); completes when the broker has the tombstone. */
    public Uni<Void> tombstone(int partition, String commandId) {
        return send(partition, commandId, null).invoke(() -> ledger.forget(partition, commandId));
    }

    private Uni<Void> send(int partition, String key, byte[] value) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(key)
                .withPartition(partition)
                .build();
        return emitter.sendMessage(Message.of(value, Metadata.of(metadata)));
    }
}
