package io.aihub.worker.simulator;

import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Starts the AI Hub simulator with the application when {@code aihub.simulator.enabled} is true (local run,
 * tests, staging), on Quarkus's Vert.x instance, and stops it at shutdown.
 */
@ApplicationScoped
public class AiHubSimulator {
    private static final Logger LOG = Logger.getLogger(AiHubSimulator.class);
    /** Before Reactive Messaging starts its channels (LIBRARY_BEFORE), so no command meets a closed port. */
    static final int STARTUP_PRIORITY = Interceptor.Priority.LIBRARY_BEFORE - 100;
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final SimulatorConfig config;
    private volatile SimulatorServer server;

    @Inject
    public AiHubSimulator(Vertx vertx, SimulatorConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    void onStart(@Observes @Priority(STARTUP_PRIORITY) StartupEvent event) throws Exception {
        if (!config.enabled()) {
            return;
        }
        SimulatorServer starting = new SimulatorServer(vertx, config.toSettings());
        // Blocking is fine here: startup runs on the main thread, and the app must not start without it.
        int port = starting.start(config.host(), config.port()).toCompletionStage().toCompletableFuture()
                .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        server = starting;
        LOG.infof("AI Hub simulator listening on http://%s:%d/api (admin routes %s)", config.host(), port,
                config.adminToken().isPresent() ? "enabled" : "disabled");
    }

    void onStop(@Observes ShutdownEvent event) throws Exception {
        SimulatorServer running = server;
        server = null;
        if (running != null) {
            running.stop().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("AI Hub simulator stopped");
        }
    }

    /** The running simulator; fails when the simulator is disabled (or not started yet). */
    public SimulatorServer server() {
        SimulatorServer running = server;
        if (running == null) {
            throw new IllegalStateException(config.enabled()
                    ? "AI Hub simulator is not started yet"
                    : "AI Hub simulator is disabled (aihub.simulator.enabled=false)");
        }
        return running;
    }
}
