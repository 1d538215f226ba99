package io.aihub.worker.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * A full emitter buffer is back-pressure: the send waits for room however long the burst lasts, stops waiting once
 * its partition is no longer owned, and any other failure is the send's own.
 */
class BufferedSendTest {

    private static final Duration WAIT = Duration.ofMillis(1);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** An emitter that refuses the first {@code refusals} sends as SmallRye does when its buffer is full. */
    private static final class FullBuffer {
        final AtomicInteger attempts = new AtomicInteger();
        final int refusals;

        FullBuffer(int refusals) {
            this.refusals = refusals;
        }

        Uni<Void> send() {
            if (attempts.incrementAndGet() <= refusals) {
                throw new IllegalStateException("SRMSG00034: Insufficient downstream requests to emit item");
            }
            return Uni.createFrom().voidItem();
        }
    }

    @Test
    void a_send_refused_by_a_full_buffer_a_thousand_times_still_goes_out_once_there_is_room() {
        FullBuffer buffer = new FullBuffer(1_000);

        BufferedSend.whenRoom(() -> true, buffer::send, WAIT, WAIT).await().atMost(DEADLINE);

        assertThat(buffer.attempts).hasValue(1_001);
    }

    @Test
    void a_send_stops_waiting_for_room_once_its_partition_is_no_longer_owned() {
        FullBuffer buffer = new FullBuffer(Integer.MAX_VALUE);
        AtomicBoolean owned = new AtomicBoolean(true);

        assertThatThrownBy(() -> BufferedSend.whenRoom(owned::get, () -> {
            if (buffer.attempts.get() == 5) {
                owned.set(false); // the partition is revoked while the send waits
            }
            return buffer.send();
        }, WAIT, WAIT).await().atMost(DEADLINE)).isInstanceOf(IllegalStateException.class);

        assertThat(buffer.attempts).hasValue(6);
    }

    @Test
    void a_failure_other_than_a_full_buffer_is_not_retried() {
        AtomicInteger attempts = new AtomicInteger();
        RuntimeException refused = new RuntimeException("the broker refused the record");

        assertThatThrownBy(() -> BufferedSend.whenRoom(() -> true, () -> {
            attempts.incrementAndGet();
            return Uni.createFrom().<Void> failure(refused);
        }, WAIT, WAIT).await().atMost(DEADLINE)).isSameAs(refused);

        assertThat(attempts).hasValue(1);
    }
}
