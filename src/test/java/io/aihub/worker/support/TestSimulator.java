package io.aihub.worker.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.aihub.simulator.SimulatorServer;
import io.aihub.simulator.SimulatorSettings;
import io.vertx.core.Vertx;

/**
 * The AI Hub simulator of a test JVM, on a Vert.x of its own (never the worker's event loops), started on first
 * use and stopped when the JVM exits. It accepts the token and the context the test profile gives the worker.
 */
public final class TestSimulator {

    /** The API token the worker sends in tests; it doubles as a canary that the secret-leak test looks for. */
    public static final String TOKEN = "canary-token-7Hq2";

    /** The only {@code IB-Context} the simulator accepts (the test profile's default): another one is a 401. */
    public static final String CONTEXT = "sim-org";

    /** How long each status phase of a simulated run lasts unless a test resource asks for another. */
    public static final Duration DEFAULT_PHASE = Duration.ofMillis(600);

    private static SimulatorServer server;

    private TestSimulator() {
    }

    /** The running simulator, starting it on first use. */
    public static synchronized SimulatorServer server() {
        if (server == null) {
            Vertx vertx = Vertx.vertx();
            SimulatorServer started = new SimulatorServer(vertx,
                    SimulatorSettings.builder().token(TOKEN).allowedContexts(List.of(CONTEXT)).defaultContext(CONTEXT)
                            .phaseDuration(DEFAULT_PHASE).build());
            try {
                started.start("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the AI Hub simulator did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.stop();
                vertx.close();
            }, "test-simulator-stop"));
            server = started;
        }
        return server;
    }
}
