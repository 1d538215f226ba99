package io.aihub.simulator;

import java.util.concurrent.TimeUnit;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;

/**
 * The simulator's own process, without Quarkus: for the local run, tests, benchmarks and staging. Settings come from
 * system properties and environment variables ({@link SimulatorConfig}). Stops on SIGTERM.
 *
 * <pre>
 * java -jar target/aihub-simulator/aihub-run-worker-&lt;version&gt;-simulator.jar
 * </pre>
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        SimulatorConfig config = load();
        Vertx vertx = Vertx.vertx();
        SimulatorServer server = new SimulatorServer(vertx, config.toSettings());
        int port = server.start(config.host(), config.port()).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        }, "simulator-shutdown"));
        // One line on stdout that other processes wait for; the token is never printed.
        System.out.printf("AI Hub simulator listening on http://%s:%d/api (submit latency %d ms, phase %d ms, admin "
                + "routes %s)%n", config.host(), port, config.submitLatency().toMillis(),
                config.phaseDuration().toMillis(), config.adminToken().isPresent() ? "enabled" : "disabled");
    }

    /** The simulator's settings from system properties and the environment, with {@link SimulatorConfig}'s defaults. */
    static SimulatorConfig load() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultSources().addDiscoveredConverters().build();
        return SimulatorConfig.from(config);
    }
}
