package io.aihub.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;

/**
 * With the exporter built in but no OTLP endpoint configured (the default), the worker sends no span anywhere: not
 * even to the exporter's fallback, localhost:4317, where this test listens. Trace context still propagates
 * ({@link TracePropagationTest} runs with the same configuration).
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class NoExportWithoutEndpointTest extends KafkaFlowTest {

    private static final int FALLBACK_PORT = 4317;
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();
    private static Vertx vertx;

    @BeforeAll
    static void listenWhereTheExporterWouldFallBack() throws Exception {
        vertx = Vertx.vertx();
        NetServer server = vertx.createNetServer().connectHandler(socket -> CONNECTIONS.incrementAndGet());
        try {
            server.listen(FALLBACK_PORT, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10,
                    TimeUnit.SECONDS);
        } catch (Exception inUse) {
            Assumptions.abort("port " + FALLBACK_PORT + " is taken on this machine: " + inUse.getMessage());
        }
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void the_spans_of_a_traced_command_go_nowhere_without_an_endpoint() {
        String id = "no-export";
        topics.send(id, ("{\"command_id\": \"" + id + "\", \"app_name\": \"no-export-app\", \"batch_id\": 1}")
                .getBytes(StandardCharsets.UTF_8),
                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        topics.awaitTerminalEvent(id, Duration.ofSeconds(30));

        // Absence needs a wait: longer than the batch span processor's 5 s schedule delay.
        await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10)).until(() -> CONNECTIONS.get() == 0);
        assertThat(CONNECTIONS).hasValue(0);
    }
}
