package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/** A lone command that runs out of retries in an outage the detector's window has not seen yet. */
class OutageBeforeGivingUpTest {

    private static final AiHubHttpException UNAVAILABLE = new AiHubHttpException(503, Optional.empty(), "down");

    private final Vertx vertx = Vertx.vertx();
    // Ten failures of twenty calls declare an outage: far more than one command's four attempts.
    private final OutageDetector detector = new OutageDetector(vertx, 20, 10, 0.5, 60_000, new SimpleMeterRegistry());
    private final AtomicInteger probes = new AtomicInteger();

    @AfterEach
    void close() {
        vertx.close();
    }

    private boolean askWith(Uni<?> probeAnswer, Throwable lastFailure) {
        detector.probeWith(() -> {
            probes.incrementAndGet();
            return probeAnswer;
        });
        return detector.outageBeforeGivingUp(lastFailure).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void a_503_with_a_probe_that_gets_no_answer_either_declares_the_outage_and_the_command_waits() {
        for (int i = 0; i < 4; i++) {
            detector.record(UNAVAILABLE);
        }
        assertThat(detector.inOutage()).isFalse();

        assertThat(askWith(Uni.createFrom().failure(UNAVAILABLE), UNAVAILABLE)).isTrue();

        assertThat(detector.inOutage()).isTrue();
        assertThat(detector.awaitRecovery().subscribeAsCompletionStage()).isNotDone();
        assertThat(probes).hasValue(1);
    }

    @Test
    void a_503_while_the_probe_gets_an_answer_was_the_commands_own_and_it_gives_up() {
        assertThat(askWith(Uni.createFrom().item("a run list"), UNAVAILABLE)).isFalse();

        assertThat(detector.inOutage()).isFalse();
        assertThat(probes).hasValue(1);
    }

    @Test
    void a_refusal_of_the_command_itself_never_asks_ai_hub() {
        assertThat(askWith(Uni.createFrom().failure(UNAVAILABLE),
                new AiHubHttpException(422, Optional.empty(), "bad input"))).isFalse();

        assertThat(detector.inOutage()).isFalse();
        assertThat(probes).hasValue(0);
    }
}
