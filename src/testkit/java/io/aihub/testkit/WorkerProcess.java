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
import java.util.regex.Pattern;

/**
 * The packaged worker ({@code target/quarkus-app/quarkus-run.jar}) as its own process, configured by system properties
 * and, as in a container, environment variables.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final List<String> args;
    private final Path logDir;
    private int httpPort;
    private int managementPort;
    private int starts;
    private Process process;

    public WorkerProcess(String name, Map<String, String> properties, Path logDir) {
        this(name, properties, Map.of(), List.of(), logDir);
    }

    /** A worker (or, with {@code args} such as {@code replay ...}, another mode) with its own environment variables. */
    public WorkerProcess(String name, Map<String, String> properties, Map<String, String> environment, List<String> args,
            Path logDir) {
        this.name = name;
        this.properties = properties;
        this.environment = environment;
        this.args = args;
        this.logDir = logDir;
    }

    /** Starts (or restarts) the worker on fresh HTTP and management ports. */
    public WorkerProcess start() throws IOException {
        httpPort = KafkaProcess.freePort();
        managementPort = KafkaProcess.freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dquarkus.http.port=" + httpPort);
        // Health is served on the management interface (root path /q), not on the HTTP port.
        command.add("-Dquarkus.management.port=" + managementPort);
        command.addAll(List.of("-jar", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString()));
        command.addAll(args);
        starts++;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + "-" + starts + ".log").toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        return this;
    }

    /** The HTTP port of the current run (the admin endpoints). */
    public int httpPort() {
        return httpPort;
    }

    /** Waits until readiness answers UP: the worker is in the group and its partitions are restored. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue());
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling an HTTP endpoint of another process
        }
        throw new IllegalStateException(name + " was not ready within " + timeout);
    }

    /**
     * Waits until the worker owns at least one commands partition and has restored it (readiness reports it), so
     * that a kill afterwards hits a worker that is doing work.
     */
    public void awaitOwnsPartitions(Duration timeout) throws InterruptedException {
        Pattern owning = Pattern.compile("\"owned_partitions\"\\s*:\\s*\"\\[\\d");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && owning.matcher(response.body()).find()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling an HTTP endpoint of another process
        }
        throw new IllegalStateException(name + " owned no partition within " + timeout);
    }

    /** The commands partitions the worker owns now, as its readiness check reports them. */
    public java.util.Set<Integer> ownedPartitions() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher owned = Pattern.compile("\"owned_partitions\"\\s*:\\s*\"\\[([\\d, ]*)\\]\"")
                .matcher(response.body());
        if (!owned.find()) {
            throw new IllegalStateException(name + " did not report its partitions: " + response.body());
        }
        return java.util.Arrays.stream(owned.group(1).split(",")).map(String::trim).filter(p -> !p.isEmpty())
                .map(Integer::valueOf).collect(java.util.stream.Collectors.toSet());
    }

    /** {@code kill -9}: no shutdown hook, no drain, no commit. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** {@code kill -STOP}: the JVM is frozen (as by a very long GC pause) until {@link #thaw()}. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** {@code kill -CONT}: a frozen JVM goes on where it stopped. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** The process ID (the chaos test reads its CPU time and signals it). */
    public long pid() {
        return process.pid();
    }

    /** The management port: health and metrics. */
    public int managementPort() {
        return managementPort;
    }

    /** SIGTERM, and the exit code once the process has ended (within {@code timeout}), or -1. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Runs the worker once and returns its exit code and output, for start-up refusals. */
    public static Result runToExit(Map<String, String> properties, Path log, Duration timeout)
            throws IOException, InterruptedException {
        return new WorkerProcess("refused", properties, log.getParent()).runToExit(timeout);
    }

    /** Runs this process once (a start-up refusal, a {@code replay}) and returns its exit code and output. */
    public Result runToExit(Duration timeout) throws IOException, InterruptedException {
        start();
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            kill();
        }
        return new Result(ended ? process.exitValue() : -1, log());
    }

    /** Exit code and output of a run. */
    public record Result(int exitCode, String output) {
    }

    /** The output of the current (or last) run of this worker. */
    public String log() throws IOException {
        return Files.readString(logDir.resolve(name + "-" + starts + ".log"));
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill();
        }
    }
}
