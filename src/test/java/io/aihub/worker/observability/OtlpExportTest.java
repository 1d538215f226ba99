package io.aihub.worker.observability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * The default build exports the spans of a command's trace as soon as an OTLP endpoint is configured at run time (no
 * rebuild, no build-time property: this profile sets only run-time ones) — here to a bare HTTP endpoint that keeps
 * what it receives.
 */
@QuarkusTest
@TestProfile(OtlpExportTest.WithOtlpExport.class)
@WithTestResource(WorkerTestResource.class)
class OtlpExportTest extends KafkaFlowTest {

    private static final int COLLECTOR_PORT = freePort();
    private static final List<Buffer> EXPORTS = new CopyOnWriteArrayList<>();
    private static Vertx vertx;
    private static HttpServer collector;

    /** The run-time settings an operator gives (the chart's tracing.*), pointed at the test's collector. */
    public static class WithOtlpExport implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                    "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + COLLECTOR_PORT,
                    "quarkus.otel.bsp.schedule.delay", "200ms");
        }
    }

    @BeforeAll
    static void startCollector() throws Exception {
        vertx = Vertx.vertx();
        collector = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (request.path().equals("/v1/traces")) {
                EXPORTS.add(body);
            }
            request.response().setStatusCode(200).putHeader("content-type", "application/x-protobuf").end();
        })).listen(COLLECTOR_PORT, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopCollector() {
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void the_spans_of_a_commands_trace_reach_the_collector() {
        String traceId = "7bf92f3577b34da6a3ce929d0e0e4737";
        String id = "otlp-export";
        topics.send(id, ("{\"command_id\": \"" + id + "\", \"app_name\": \"otlp-app\", \"batch_id\": 1}")
                .getBytes(StandardCharsets.UTF_8), Map.of("traceparent", "00-" + traceId + "-10f067aa0ba902b8-01"));
        topics.awaitTerminalEvent(id, Duration.ofSeconds(30));

        // OTLP/protobuf carries trace IDs as their 16 raw bytes.
        byte[] wanted = HexFormat.of().parseHex(traceId);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> EXPORTS.stream().anyMatch(body -> contains(body.getBytes(), wanted)));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
