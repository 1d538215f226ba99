package io.aihub.worker.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.command.DeadLetterHeaders;
import io.aihub.worker.command.ErrorCode;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes a command that cannot be run to the dead-letter topic: the original key, value bytes and headers, plus the
 * {@code dead-letter-*} headers SmallRye's own strategy uses and ours ({@code aihub-*}). Written by hand rather than
 * through SmallRye's {@code dead-letter-queue} strategy because that one derives the reason from an exception
 * message, and ours must come from our error codes and field names only (design.md, guarantee 7).
 */
@ApplicationScoped
public class DeadLetterPublisher {

    /** The outgoing channel of dead letters. */
    public static final String CHANNEL = "dead-letters";

    private static final Set<String> TRACE_HEADERS = Set.of("traceparent", "tracestate");

    private final MutinyEmitter<byte[]> emitter;

    @Inject
    public DeadLetterPublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024) MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Why a command was dead-lettered. {@code reason} must hold no input values. */
    public record Cause(ErrorCode code, String reason, Optional<Integer> httpStatus, int attempts,
            Optional<Instant> firstFailureAt) {

        /** A rejection of invalid input: no HTTP call was made. */
        public static Cause rejection(ErrorCode code, String reason) {
            return new Cause(code, reason, Optional.empty(), 0, Optional.empty());
        }
    }

    /**
     * Sends the dead letter and completes when the broker has acknowledged it; a full local buffer makes it wait
     * while {@code owned} holds (see {@link BufferedSend}).
     */
    public Uni<Void> send(CommandRecord record, Cause cause, BooleanSupplier owned) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            // The trace headers are written anew by the connector, in the same trace: the dead letter's publication is
            // a child of the command's span, and a copy of the producer's headers would make two traceparents.
            if (!TRACE_HEADERS.contains(header.key())) {
                headers.add(header.key(), header.value());
            }
        }
        put(headers, DeadLetterHeaders.REASON, cause.code().name() + ": " + cause.reason());
        put(headers, DeadLetterHeaders.CAUSE, cause.code().name());
        put(headers, DeadLetterHeaders.TOPIC, record.topic());
        put(headers, DeadLetterHeaders.PARTITION, Integer.toString(record.partition()));
        put(headers, DeadLetterHeaders.OFFSET, Long.toString(record.offset()));
        put(headers, DeadLetterHeaders.ERROR_CODE, cause.code().name());
        cause.httpStatus().ifPresent(status -> put(headers, DeadLetterHeaders.HTTP_STATUS, Integer.toString(status)));
        put(headers, DeadLetterHeaders.ATTEMPTS, Integer.toString(cause.attempts()));
        cause.firstFailureAt().ifPresent(at -> put(headers, DeadLetterHeaders.FIRST_FAILURE_AT, at.toString()));
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]> builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        // A tombstone stays a tombstone: the value is passed on unchanged, null included.
        Message<byte[]> message = Message.of(record.value(), Metadata.of(metadata,
                TracingMetadata.withCurrent(Context.current())));
        return BufferedSend.whenRoom(emitter, owned, () -> emitter.sendMessage(message));
    }

    /** Replaces a header so that the newest value is the only one under its name. */
    private static void put(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
