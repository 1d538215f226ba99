package io.aihub.testkit;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An Apache Kafka cluster of one or three KRaft nodes (each a combined broker and controller) as processes on
 * loopback, from the jars {@code deploy/local/kafka-pom.xml} resolves: with three nodes topics get a replication
 * factor of 3 and {@code min.insync.replicas} 2, so one node may die. Nodes can be stopped, killed and started again
 * on the same port and data; {@link #close()} removes everything, also when a test fails.
 */
public final class KafkaCluster implements AutoCloseable {

    private final Path dir;
    private final int[] ports;
    private final int[] controllerPorts;
    private final Process[] processes;

    private KafkaCluster(Path dir, int nodes) {
        this.dir = dir;
        this.ports = IntStream.range(0, nodes).map(i -> KafkaProcess.freePort()).toArray();
        this.controllerPorts = IntStream.range(0, nodes).map(i -> KafkaProcess.freePort()).toArray();
        this.processes = new Process[nodes];
    }

    /** Formats and starts {@code nodes} (1 or 3) nodes; returns once every one accepts connections. */
    public static KafkaCluster start(int nodes, int numPartitions) throws IOException, InterruptedException {
        if (nodes != 1 && nodes != 3) {
            throw new IllegalArgumentException("a cluster of 1 or 3 nodes");
        }
        KafkaProcess.resolveLibs();
        Path dir = Files.createTempDirectory(Path.of("target"), "kafka-cluster-").toAbsolutePath();
        KafkaCluster cluster = new KafkaCluster(dir, nodes);
        int replicas = nodes == 3 ? 3 : 1;
        int minIsr = nodes == 3 ? 2 : 1;
        String voters = IntStream.range(0, nodes).mapToObj(i -> (i + 1) + "@127.0.0.1:" + cluster.controllerPorts[i])
                .collect(Collectors.joining(","));
        for (int i = 0; i < nodes; i++) {
            Files.writeString(cluster.properties(i), String.join("\n",
                    "process.roles=broker,controller", "node.id=" + (i + 1),
                    "controller.quorum.voters=" + voters,
                    "listeners=PLAINTEXT://127.0.0.1:" + cluster.ports[i] + ",CONTROLLER://127.0.0.1:"
                            + cluster.controllerPorts[i],
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + cluster.ports[i],
                    "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data-" + (i + 1)), "num.partitions=" + numPartitions,
                    "default.replication.factor=" + replicas, "min.insync.replicas=" + minIsr,
                    "offsets.topic.replication.factor=" + replicas, "transaction.state.log.replication.factor=" + replicas,
                    "transaction.state.log.min.isr=" + minIsr, "share.coordinator.state.topic.replication.factor=" + replicas,
                    "share.coordinator.state.topic.min.isr=" + minIsr, "group.initial.rebalance.delay.ms=0",
                    // A group member that dies is noticed within seconds, so take-over times measure the worker.
                    "group.min.session.timeout.ms=3000", ""));
        }
        String clusterId = KafkaProcess.run("kafka.tools.StorageTool", "random-uuid").trim();
        for (int i = 0; i < nodes; i++) {
            KafkaProcess.run("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", cluster.properties(i).toString());
        }
        for (int i = 0; i < nodes; i++) {
            cluster.startNode(i);
        }
        for (int i = 0; i < nodes; i++) {
            cluster.awaitPort(i, Duration.ofSeconds(90));
        }
        return cluster;
    }

    private Path properties(int node) {
        return dir.resolve("node-" + (node + 1) + ".properties");
    }

    private void startNode(int node) throws IOException {
        processes[node] = KafkaProcess.java(List.of("-Xmx512m", "kafka.Kafka", properties(node).toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + (node + 1) + ".log").toFile()))
                .start();
    }

    /** Bootstrap servers: every node. */
    public String bootstrap() {
        return IntStream.of(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** {@code kill -9} of a node: no controlled shutdown. */
    public void kill(int node) throws InterruptedException {
        processes[node].destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM to a node and its controlled shutdown, bounded; then SIGKILL. */
    public void stop(int node) throws InterruptedException {
        processes[node].destroy();
        if (!processes[node].waitFor(30, TimeUnit.SECONDS)) {
            processes[node].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts a stopped or killed node again, on its port and its data; returns once it accepts connections. */
    public void restart(int node) throws IOException, InterruptedException {
        startNode(node);
        awaitPort(node, Duration.ofSeconds(90));
    }

    /** The nodes' process IDs (the chaos test reads their CPU time). */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                pids.add(process.pid());
            }
        }
        return pids;
    }

    private void awaitPort(int node, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!processes[node].isAlive()) {
                throw new IllegalStateException("Kafka node " + (node + 1) + " exited; see " + dir);
            }
            try (Socket socket = new Socket("127.0.0.1", ports[node])) {
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100); // waiting for another process's port: nothing to await on
            }
        }
        throw new IllegalStateException("Kafka node " + (node + 1) + " did not open its port within " + timeout);
    }

    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        KafkaProcess.delete(dir);
    }
}
