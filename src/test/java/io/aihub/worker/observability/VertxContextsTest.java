package io.aihub.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * Delays as the application schedules them: under Quarkus, Mutiny's delays run on Vert.x timers, which refuse less
 * than a millisecond. Shares the default test application (same profile and resource as most Quarkus tests).
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class VertxContextsTest extends KafkaFlowTest {

    @Inject
    Vertx vertx;

    @Test
    void a_delay_shorter_than_a_millisecond_on_the_event_loop_waits_instead_of_failing() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Where the application delays: on a Vert.x context (a settle time that ends within the millisecond).
        vertx.runOnContext(ignored -> VertxContexts.delay(Duration.ofNanos(400_000)).subscribe()
                .with(done::complete, done::completeExceptionally));

        assertThat(done).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void no_delay_and_a_negative_one_complete_at_once() {
        assertThat(VertxContexts.delay(Duration.ZERO).await().atMost(Duration.ofSeconds(1))).isNull();
        assertThat(VertxContexts.delay(Duration.ofMillis(-5)).await().atMost(Duration.ofSeconds(1))).isNull();
    }
}
