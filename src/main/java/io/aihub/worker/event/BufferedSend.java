package io.aihub.worker.event;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * A send through an emitter whose buffer is full waits for room and goes again: a burst is local back-pressure, not
 * the broker refusing an outcome, so it neither fails the channel nor counts as a failed attempt (design.md, "Bursts
 * are paced"). Hand-written because SmallRye's emitters throw on overflow and offer no send that waits.
 */
final class BufferedSend {

    static final Duration FIRST_WAIT = Duration.ofMillis(20);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(1);

    private BufferedSend() {
    }

    /**
     * Runs {@code send} until the emitter takes it, for as long as {@code owned} holds (the lease of the partition
     * the record belongs to, so that a fenced owner stops trying) and the channel is alive; any other failure, or a
     * refusal once the partition is no longer owned or the channel is gone, is the send's failure.
     */
    static Uni<Void> whenRoom(MutinyEmitter<?> emitter, BooleanSupplier owned, Supplier<Uni<Void>> send) {
        return whenRoom(() -> !emitter.isCancelled() && owned.getAsBoolean(), send, FIRST_WAIT, LONGEST_WAIT);
    }

    /** As above, with the condition to go on waiting and the waits given (tests shorten them). */
    static Uni<Void> whenRoom(BooleanSupplier mayWait, Supplier<Uni<Void>> send, Duration firstWait,
            Duration longestWait) {
        return Uni.createFrom().<Void> deferred(send::get)
                .onFailure(failure -> failure instanceof IllegalStateException && mayWait.getAsBoolean())
                .retry().withBackOff(firstWait, longestWait).indefinitely();
    }
}
