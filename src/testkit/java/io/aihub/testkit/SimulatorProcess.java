package io.aihub.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The AI Hub simulator's own runnable jar ({@code target/aihub-simulator}, built by {@code package}) as a process,
 * configured by {@code aihub.simulator.*} system properties; its admin routes answer once it is up.
 */
public final class SimulatorProcess implements AutoCloseable {

    /** The directory {@code package} builds the simulator's jar and its libraries into. */
    public static final Path HOME = Path.of("target/aihub-simulator").toAbsolutePath();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final String adminToken;

    private SimulatorProcess(Process process, int port, String adminToken) {
        this.process = process;
        this.port = port;
        this.adminToken = adminToken;
    }

    /**
     * Starts the simulator on a free port with {@code properties} (names without the {@code aihub.simulator.}
     * prefix), its output in {@code log}; returns once it answers on its admin routes.
     */
    public static SimulatorProcess start(Map<String, String> properties, List<String> jvmArgs, Path log)
            throws IOException, InterruptedException {
        int port = KafkaProcess.freePort();
        String adminToken = properties.getOrDefault("admin-token", "testkit-admin");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmArgs);
        command.add("-Daihub.simulator.port=" + port);
        command.add("-Daihub.simulator.admin-token=" + adminToken);
        properties.forEach((k, v) -> command.add("-Daihub.simulator." + k + "=" + v));
        command.addAll(List.of("-jar", jar().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SimulatorProcess simulator = new SimulatorProcess(process, port, adminToken);
        simulator.awaitAnswer(adminToken, Duration.ofSeconds(60), log);
        return simulator;
    }

    /** The simulator's runnable jar. */
    public static Path jar() throws IOException {
        try (var files = Files.list(HOME)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-simulator.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no simulator jar in " + HOME + ": run ./mvnw package"));
        }
    }

    private void awaitAnswer(String adminToken, Duration timeout, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the simulator exited; see " + log);
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/_sim/stats"))
                        .header("X-Sim-Admin-Token", adminToken).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling another process's port: nothing to await on
        }
        throw new IllegalStateException("the simulator did not answer within " + timeout);
    }

    /** Posts fault rules ({@code POST /_sim/faults}, the JSON of {@code FaultRuleJson}). */
    public void addFaults(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/_sim/faults"))
                .header("X-Sim-Admin-Token", adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("the simulator refused the faults: " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** The body of an admin route ({@code /_sim/...}). */
    public String admin(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("X-Sim-Admin-Token", adminToken).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** {@code http://127.0.0.1:<port>}; the API is under {@code /api}. */
    public String base() {
        return "http://127.0.0.1:" + port;
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** Its process ID. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
