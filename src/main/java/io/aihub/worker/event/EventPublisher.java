package io.aihub.worker.event;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.worker.config.WorkerConfig;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes status events to the {@value #CHANNEL} channel as CloudEvents 1.0 (binary mode by default, via
 * SmallRye's CloudEvents support), keyed by command ID so that one command's events stay in order on one
 * partition. The returned {@link Uni} completes when the broker has acknowledged the record.
 */
@ApplicationScoped
public class EventPublisher {

    /** The outgoing channel of status events. */
    public static final String CHANNEL = "events";

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;
    private final URI source;
    private final KafkaClientService kafka;

    @Inject
    public EventPublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) MutinyEmitter<byte[]> emitter,
            ObjectMapper mapper, WorkerConfig config, KafkaClientService kafka) {
        this.emitter = emitter;
        this.mapper = mapper;
        this.source = config.eventSource();
        this.kafka = kafka;
    }

    /** Completes when every event handed to the channel's producer so far has been sent (or failed). */
    public Uni<Void> flush() {
        KafkaProducer<?, ?> producer = kafka.getProducer(CHANNEL);
        return producer == null ? Uni.createFrom().voidItem() : producer.flush();
    }

    /**
     * Sends one event and completes when it is durably written; a full local buffer makes it wait while
     * {@code owned} holds (see {@link BufferedSend}).
     */
    public Uni<Void> publish(StatusEvent event, BooleanSupplier owned) {
        byte[] payload;
        try {
            payload = mapper.writeValueAsBytes(event.data());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("event data could not be written", e));
        }
        OutgoingCloudEventMetadata<byte[]> ce = OutgoingCloudEventMetadata.<byte[]> builder()
                .withId(event.id())
                .withType(event.type().ceType())
                .withSource(source)
                .withSubject(event.commandId())
                .withTimestamp(event.time().atZone(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .build();
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(event.commandId())
                .build();
        // The trace of the command being handled, taken now: the connector may send later, on another thread.
        Message<byte[]> message = Message.of(payload, Metadata.of(ce, kafka, TracingMetadata.withCurrent(Context.current())));
        return BufferedSend.whenRoom(emitter, owned, () -> emitter.sendMessage(message));
    }
}
