package io.aihub.worker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * Gives the tests a real Kafka broker: the one named by {@code KAFKA_BOOTSTRAP_SERVERS}, else a container where a
 * Docker engine answers, else an embedded KRaft broker in this JVM with its data under {@code target/}. Never a
 * mock. It also gives the AI Hub simulator a free port and points the worker's REST client at it.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(KafkaBrokerResource.class);

    /** Partitions of the commands topic in tests. */
    public static final int PARTITIONS = 4;

    private EmbeddedKafkaBroker embedded;
    private KafkaContainer container;
    private Path logDir;

    @Override
    public Map<String, String> start() {
        String bootstrap = bootstrapServers();
        createTopics(bootstrap);
        int simulatorPort = freePort();
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("aihub.simulator.enabled", "true");
        config.put("aihub.simulator.port", Integer.toString(simulatorPort));
        config.put("aihub.api-root", "http://127.0.0.1:" + simulatorPort + "/api");
        return config;
    }

    private String bootstrapServers() {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            LOG.infof("tests use the broker at %s", external);
            return external;
        }
        if (dockerAvailable()) {
            container = new KafkaContainer("apache/kafka-native:4.1.1");
            container.start();
            LOG.infof("tests use a Kafka container at %s", container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            logDir = Files.createTempDirectory(target, "kafka-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        embedded = new EmbeddedKafkaBroker()
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    // "log.dir", not "log.dirs": the companion makes its own temporary directory (and leaves it
                    // behind, empty) unless "log.dir" is set.
                    p.put("log.dir", logDir.toAbsolutePath().toString());
                    p.put("group.initial.rebalance.delay.ms", "0");
                    p.put("num.partitions", "4");
                })
                .start();
        String listeners = embedded.getAdvertisedListeners();
        String bootstrap = listeners.substring(listeners.indexOf("://") + 3);
        LOG.infof("tests use an embedded KRaft broker at %s", bootstrap);
        return bootstrap;
    }

    /** The topics an operator would create; the worker itself creates only its ledger. */
    static void createTopics(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Stream.of(KafkaTopics.COMMANDS, KafkaTopics.EVENTS, KafkaTopics.DEAD_LETTERS, KafkaTopics.RESULTS)
                    .filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, Optional.of(PARTITIONS), Optional.empty()))
                    .toList();
            admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the test topics", e);
        }
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (embedded != null) {
            embedded.close();
        }
        if (container != null) {
            container.stop();
        }
        if (logDir != null && Files.exists(logDir)) {
            try (Stream<Path> files = Files.walk(logDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.warnf("could not remove %s", logDir);
            }
        }
    }
}
