package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * How an outage ends (core review M5): at the first answer AI Hub gives, from any call or the probe, and never on a
 * call that did not reach it (refused by the rate limiter, or dropped before it was sent).
 */
class OutageDetectorTest {

    private static final AiHubHttpException UNAVAILABLE = new AiHubHttpException(503, Optional.empty(), "down");
    private static final long PROBE_INTERVAL_MS = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Vertx vertx = Vertx.vertx();
    // Three failures of the last four calls declare an outage.
    private final OutageDetector detector = new OutageDetector(vertx, 4, 3, 0.75, PROBE_INTERVAL_MS,
            new SimpleMeterRegistry());
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicReference<Uni<?>> probeAnswer = new AtomicReference<>(Uni.createFrom().failure(UNAVAILABLE));

    @AfterEach
    void close() {
        vertx.close();
    }

    private void enterOutage() {
        detector.probeWith(() -> {
            probes.incrementAndGet();
            return probeAnswer.get();
        });
        for (int i = 0; i < 3; i++) {
            detector.record(UNAVAILABLE);
        }
        assertThat(detector.inOutage()).isTrue();
    }

    @Test
    void any_answer_a_call_gets_during_an_outage_ends_it_at_once_even_an_error_of_the_command_itself() {
        enterOutage();
        detector.record(new AiHubHttpException(502, Optional.empty(), "bad gateway"));
        assertThat(detector.inOutage()).isTrue();

        detector.record(new AiHubHttpException(404, Optional.empty(), "no such run"));

        assertThat(detector.inOutage()).isFalse();
        assertThat(detector.awaitRecovery().subscribeAsCompletionStage()).isDone();
    }

    @Test
    void a_call_the_rate_limiter_refused_or_that_was_never_sent_does_not_end_an_outage() {
        enterOutage();

        detector.record(new RateLimitRejectedException(500));
        detector.record(new NotSentException("its partition moved before it was sent"));

        assertThat(detector.inOutage()).isTrue();
        detector.record(null); // a 2xx
        assertThat(detector.inOutage()).isFalse();
    }

    @Test
    void a_probe_that_was_never_sent_is_not_an_answer_and_the_outage_ends_at_the_first_probe_answered() {
        probeAnswer.set(Uni.createFrom().failure(new NotSentException("dropped while it waited for a token")));
        enterOutage();
        await().atMost(DEADLINE).until(() -> probes.get() >= 3);
        assertThat(detector.inOutage()).isTrue();

        probeAnswer.set(Uni.createFrom().item("a run list"));

        await().atMost(DEADLINE).until(() -> !detector.inOutage());
        assertThat(detector.awaitRecovery().subscribeAsCompletionStage()).isDone();
    }
}
