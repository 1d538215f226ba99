package io.aihub.worker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * The one real Kafka broker of a test JVM: the one named by {@code KAFKA_BOOTSTRAP_SERVERS}, else a container where
 * a Docker engine answers, else an embedded KRaft broker with its data under {@code target/}. Never a mock. Started
 * on first use and stopped (its data removed) when the JVM exits, so application restarts do not each pay for a
 * broker; every application start gets topics and a group of its own instead ({@link WorkerTestResource}).
 * <p>
 * Quarkus loads test classes in a class loader per application, so a static field alone would start a broker per
 * application start: the broker is always started through this class as the system class loader sees it.
 */
public final class TestKafka {

    private static final Logger LOG = Logger.getLogger(TestKafka.class);

    private static String bootstrap;

    private TestKafka() {
    }

    /** The broker's bootstrap servers, starting it on first use. */
    public static String bootstrapServers() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        if (TestKafka.class.getClassLoader() == system) {
            return startOnce();
        }
        try {
            return (String) system.loadClass(TestKafka.class.getName()).getMethod("bootstrapServers").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not reach the JVM's test broker", e);
        }
    }

    private static synchronized String startOnce() {
        if (bootstrap == null) {
            // Kafka instantiates classes by name through the context class loader, and the broker's threads inherit
            // it: both must be the loader this class (and the broker) came from, not the application's.
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(TestKafka.class.getClassLoader());
            try {
                bootstrap = start();
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
        return bootstrap;
    }

    private static String start() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            LOG.infof("tests use the broker at %s", external);
            return external;
        }
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer("apache/kafka-native:4.1.1");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-stop"));
            LOG.infof("tests use a Kafka container at %s", container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        Path logDir;
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            logDir = Files.createTempDirectory(target, "kafka-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EmbeddedKafkaBroker embedded = new EmbeddedKafkaBroker()
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    // "log.dir", not "log.dirs": the companion makes its own temporary directory (and leaves it
                    // behind, empty) unless "log.dir" is set.
                    p.put("log.dir", logDir.toAbsolutePath().toString());
                    p.put("group.initial.rebalance.delay.ms", "0");
                    p.put("num.partitions", Integer.toString(WorkerTestResource.PARTITIONS));
                })
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            embedded.close();
            delete(logDir);
        }, "test-kafka-stop"));
        String listeners = embedded.getAdvertisedListeners();
        String servers = listeners.substring(listeners.indexOf("://") + 3);
        LOG.infof("tests use an embedded KRaft broker at %s", servers);
        return servers;
    }

    private static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not remove %s", dir);
        }
    }
}
