package io.aihub.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;

/**
 * A simulator on a random port with its own Vert.x, a movable clock and an HTTP client that sends the right token and
 * context unless told otherwise. A test class registers one as a JUnit extension, which starts it before the first
 * test, resets it (runs, recordings, faults, clock) after each and stops it after the last:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final SimulatorFixture sim = SimulatorFixture.perClass(b -&gt; b.phaseDuration(PHASE));
 * </pre>
 *
 * {@link #start} gives one more, already started, for a test's try-with-resources. Every answer of the AI Hub API is
 * checked against the schema of its operation ({@link ApiSchemas}) before a test sees it.
 */
final class SimulatorFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback, AutoCloseable {
    static final String TOKEN = "test-token";
    static final String CONTEXT = "org-1";
    static final String INPUT_DIR = "/org-1/ws-main/fs/drive/in/";
    static final ObjectMapper JSON = new ObjectMapper();

    final Vertx vertx = Vertx.vertx();
    final SimulatorServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private SimulatorFixture(UnaryOperator<SimulatorSettings.Builder> customise) {
        server = new SimulatorServer(vertx, customise.apply(SimulatorSettings.builder().token(TOKEN)
                .defaultContext(CONTEXT).phaseDuration(Duration.ofMillis(200)).clock(new MutableClock())).build());
    }

    /** A simulator for a test class's {@code @RegisterExtension} field: started, reset and stopped by JUnit. */
    static SimulatorFixture perClass(UnaryOperator<SimulatorSettings.Builder> customise) {
        return new SimulatorFixture(customise);
    }

    /** A simulator started now; close it when done. */
    static SimulatorFixture start(UnaryOperator<SimulatorSettings.Builder> customise) {
        SimulatorFixture fixture = new SimulatorFixture(customise);
        fixture.bind();
        return fixture;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        bind();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    private void bind() {
        try {
            server.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("simulator did not start", e);
        }
    }

    /** The movable clock the server runs on. */
    MutableClock clock() {
        return (MutableClock) server.settings().clock();
    }

    void reset() {
        server.reset();
        if (server.settings().clock() instanceof MutableClock movable) {
            movable.reset();
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    /** A request with the right token and context. */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("IB-Context", CONTEXT);
    }

    /** Sends {@code request}; an API answer that is not in its operation's documented shape fails the test. */
    Reply send(HttpRequest request) throws IOException {
        Reply reply = exchange(request);
        ApiSchemas.schemaFor(request.method(), request.uri().getPath(), reply.status()).ifPresent(
                schema -> ApiSchemas.assertConforms(schema, reply.body(), request.method() + " " + request.uri()));
        return reply;
    }

    /**
     * Sends {@code request} to an operation a malformed-body fault was set for: its answer must not be JSON, which
     * is what the test is about, so it is checked the other way round.
     */
    Reply sendExpectingMalformedBody(HttpRequest request) throws IOException {
        Reply reply = exchange(request);
        try {
            JSON.readTree(reply.body());
        } catch (JsonProcessingException expected) {
            return reply;
        }
        throw new AssertionError("expected a body that is not JSON: " + reply.body());
    }

    private Reply exchange(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    Reply get(String pathAndQuery) throws IOException {
        return send(request(pathAndQuery).GET().build());
    }

    Reply delete(String pathAndQuery) throws IOException {
        return send(request(pathAndQuery).DELETE().build());
    }

    Reply post(String path, String body) throws IOException {
        return send(postRequest(path, body));
    }

    HttpRequest postRequest(String path, String body) {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Runs an app by name from a batch, optionally tagged, and returns the run object. */
    JsonNode runApp(String appName, String... tags) throws IOException {
        Reply reply = post("/api/v2/apps/runs", appBody(appName, tags));
        if (reply.status() != 200) {
            throw new AssertionError("run app answered " + reply.status() + ": " + reply.body());
        }
        return reply.json();
    }

    static String appBody(String appName, String... tags) {
        StringBuilder json = new StringBuilder("{\"app_name\": \"" + appName + "\", \"batch_id\": 42");
        if (tags.length > 0) {
            json.append(", \"settings\": {\"tags\": [");
            for (int i = 0; i < tags.length; i++) {
                json.append(i == 0 ? "" : ", ").append('"').append(tags[i]).append('"');
            }
            json.append("]}");
        }
        return json.append('}').toString();
    }

    @Override
    public void close() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A response as tests read it. */
    record Reply(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String message() {
            return json().path("message").asText(null);
        }
    }
}
