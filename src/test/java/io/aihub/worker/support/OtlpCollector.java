package io.aihub.worker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.vertx.core.Vertx;

/**
 * A bare OTLP/HTTP endpoint for the test JVM that keeps every trace export it receives, and the run-time settings an
 * operator gives (the chart's {@code tracing.*}) pointed at it. Started on first use, stopped with the JVM; the tests
 * that use {@link Profile} share one application start.
 */
public final class OtlpCollector {

    private static final List<byte[]> EXPORTS = new CopyOnWriteArrayList<>();
    private static int port;

    private OtlpCollector() {
    }

    /** Only run-time settings: the default build exports spans once an endpoint is set. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                    "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + port(),
                    "quarkus.otel.bsp.schedule.delay", "200ms");
        }
    }

    /** The port of the collector, starting it on first use. */
    public static synchronized int port() {
        if (port == 0) {
            port = freePort();
            Vertx vertx = Vertx.vertx();
            try {
                vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                    if (request.path().equals("/v1/traces")) {
                        EXPORTS.add(body.getBytes());
                    }
                    request.response().setStatusCode(200).putHeader("content-type", "application/x-protobuf").end();
                })).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the OTLP collector did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(vertx::close, "otlp-collector-stop"));
        }
        return port;
    }

    /** The bodies of the trace exports received so far (OTLP/protobuf). */
    public static List<byte[]> exports() {
        return List.copyOf(EXPORTS);
    }

    /** True when some export holds {@code needle} (protobuf keeps strings as UTF-8 and IDs as raw bytes). */
    public static boolean anyExportContains(byte[] needle) {
        return EXPORTS.stream().anyMatch(body -> indexOf(body, needle) >= 0);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
