package io.aihub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An Apache Kafka broker (single-node KRaft) as its own process, from the jars {@code deploy/local/kafka-pom.xml}
 * resolves from Maven Central — the same broker the local run starts. Its data lives under {@code target/} and is
 * removed by {@link #close()}, which also runs when a test fails.
 */
public final class KafkaProcess implements AutoCloseable {

    private static final Path LIBS = Path.of("target/kafka-libs").toAbsolutePath();

    private final Path dir;
    private final int port;
    private Process process;

    private KafkaProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Resolves the broker's jars (once), formats a fresh log directory and starts the broker. */
    public static KafkaProcess start(int numPartitions) throws IOException, InterruptedException {
        resolveLibs();
        Path dir = Files.createTempDirectory(Path.of("target"), "it-kafka-").toAbsolutePath();
        int port = freePort();
        int controller = freePort();
        Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"), "num.partitions=" + numPartitions,
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1", "group.initial.rebalance.delay.ms=0", ""));
        KafkaProcess kafka = new KafkaProcess(dir, port);
        String clusterId = run("kafka.tools.StorageTool", "random-uuid").trim();
        run("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", dir.resolve("server.properties").toString());
        kafka.process = java(List.of("-Xmx512m", "kafka.Kafka", dir.resolve("server.properties").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("kafka.log").toFile()).start();
        kafka.awaitPort(Duration.ofSeconds(60));
        return kafka;
    }

    /** The broker's process ID (the benchmark reads its CPU time from {@code /proc}). */
    public long pid() {
        return process.pid();
    }

    /** {@code host:port} of the broker. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private void awaitPort(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited; see " + dir.resolve("kafka.log"));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100); // waiting for a port to open: nothing to await on
            }
        }
        throw new IllegalStateException("the broker did not open its port within " + timeout);
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        delete(dir);
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized void resolveLibs() throws IOException, InterruptedException {
        if (Files.exists(LIBS.resolve(".complete"))) {
            return;
        }
        Process mvn = new ProcessBuilder("./mvnw", "-q", "-B", "-f", "deploy/local/kafka-pom.xml",
                "dependency:copy-dependencies", "-DoutputDirectory=" + LIBS).inheritIO().start();
        if (mvn.waitFor() != 0) {
            throw new IllegalStateException("could not resolve the Kafka broker's jars");
        }
        Files.createFile(LIBS.resolve(".complete"));
    }

    static ProcessBuilder java(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", LIBS + "/*", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    static String run(String... args) throws IOException, InterruptedException {
        Process p = java(List.of(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(args[0] + " failed: " + out);
        }
        return out.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
