package io.aihub.worker.ledger;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import io.aihub.worker.config.WorkerConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Checks at start-up, before any channel starts, that the ledger has exactly as many partitions as the commands
 * topic (command partition N keeps its state in ledger partition N), creating the compacted ledger topic when it
 * is missing and that is allowed. Refuses to start with a message that says what to fix otherwise.
 */
@ApplicationScoped
public class LedgerTopic {

    private static final Logger LOG = Logger.getLogger(LedgerTopic.class);
    private static final long TIMEOUT_SECONDS = 30;

    /** Settings that make compaction actually run, and keep tombstones long enough for any restore. */
    static final Map<String, String> TOPIC_CONFIG = Map.of(
            "cleanup.policy", "compact",
            "segment.ms", "3600000",
            "min.cleanable.dirty.ratio", "0.1",
            "delete.retention.ms", "86400000");

    private final Map<String, Object> kafka;
    private final WorkerConfig config;

    @Inject
    public LedgerTopic(@Identifier("default-kafka-broker") Map<String, Object> kafka, WorkerConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    void check(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE - 50) StartupEvent event) {
        try (Admin admin = Admin.create(new HashMap<>(kafka))) {
            verify(admin, config.topic().commands(), config.topic().ledger(), config.ledger().createTopic(),
                    config.ledger().replicationFactor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the ledger topic", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not check the ledger topic against the commands topic: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** Checks (and when allowed creates) {@code ledgerTopic} against {@code commands}; throws what to fix. */
    static void verify(Admin admin, String commands, String ledgerTopic, boolean createAllowed,
            Optional<Short> replicationFactor) throws InterruptedException, ExecutionException, TimeoutException {
        int commandPartitions = partitions(admin, commands).orElseThrow(() -> new IllegalStateException(
                "the commands topic '" + commands + "' does not exist; create it before starting the worker"));
        Optional<Integer> ledgerPartitions = partitions(admin, ledgerTopic);
        if (ledgerPartitions.isEmpty()) {
            if (!createAllowed) {
                throw new IllegalStateException("the ledger topic '" + ledgerTopic + "' does not exist; create it"
                        + " compacted with " + commandPartitions + " partitions, or set worker.ledger.create-topic=true");
            }
            NewTopic topic = new NewTopic(ledgerTopic, Optional.of(commandPartitions), replicationFactor)
                    .configs(TOPIC_CONFIG);
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.infof("created the ledger topic %s with %d partitions", ledgerTopic, commandPartitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            ledgerPartitions = awaitPartitions(admin, ledgerTopic);
        }
        if (ledgerPartitions.orElse(0) != commandPartitions) {
            throw new IllegalStateException("the ledger topic '" + ledgerTopic + "' has " + ledgerPartitions.orElse(0)
                    + " partitions but the commands topic '" + commands + "' has " + commandPartitions
                    + "; they must be equal (command partition N keeps its state in ledger partition N)");
        }
        requireCompacted(admin, ledgerTopic);
    }

    /**
     * A ledger with the delete policy would drop the snapshots of long runs (a run waiting at a checkpoint for weeks)
     * and of every command within the dedupe window: a restore would then post or publish them again.
     */
    private static void requireCompacted(Admin admin, String ledgerTopic)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, ledgerTopic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(resource);
        ConfigEntry policy = config == null ? null : config.get("cleanup.policy");
        if (policy == null || !Arrays.asList(policy.value().split(",")).contains("compact")) {
            throw new IllegalStateException("the ledger topic '" + ledgerTopic + "' has cleanup.policy="
                    + (policy == null ? "unknown" : policy.value()) + "; it must be compact (without it, the"
                    + " ledger loses the state of commands and runs before the dedupe window ends)");
        }
    }

    /**
     * The partitions of a topic just created: the broker may describe it with none (or not at all) until its
     * metadata has spread, so ask again for a while instead of taking that for a mismatch.
     */
    private static Optional<Integer> awaitPartitions(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        Optional<Integer> found = partitions(admin, topic);
        while (found.orElse(0) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100); // start-up only, before the channels start
            found = partitions(admin, topic);
        }
        return found;
    }

    private static Optional<Integer> partitions(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return Optional.of(descriptions.get(topic).partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
