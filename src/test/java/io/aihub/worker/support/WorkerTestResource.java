package io.aihub.worker.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import io.aihub.simulator.SimulatorServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What an application under test needs: the JVM's real Kafka broker ({@link TestKafka}) with topics and a consumer
 * group of this application start's own (so a restart neither restores an earlier start's ledger nor joins its
 * group, and runs against an external broker can be repeated), and the JVM's AI Hub simulator
 * ({@link TestSimulator}), which test fields annotated {@link InjectSimulator} receive. The init argument
 * {@code phase-duration} sets how long the phases of runs created under this application last.
 */
public class WorkerTestResource implements QuarkusTestResourceLifecycleManager {

    /** Partitions of the commands topic (and so the ledger) in tests. */
    public static final int PARTITIONS = 4;

    // Counted in a system property: this class is loaded once per application, but the broker is the JVM's.
    private static final String STARTS = "worker-tests.application-starts";

    private Duration phase = TestSimulator.DEFAULT_PHASE;

    @Override
    public void init(Map<String, String> initArgs) {
        Optional.ofNullable(initArgs.get("phase-duration")).map(Duration::parse).ifPresent(d -> phase = d);
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = TestKafka.bootstrapServers();
        String suffix = ProcessHandle.current().pid() + "-" + nextStart();
        TestTopics topics = TestTopics.withSuffix(suffix);
        createTopics(bootstrap, topics);
        SimulatorServer simulator = TestSimulator.server();
        simulator.reset();
        simulator.phaseDuration(phase);
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("worker.topic.commands", topics.commands());
        config.put("worker.topic.events", topics.events());
        config.put("worker.topic.dead-letters", topics.deadLetters());
        config.put("worker.topic.ledger", topics.ledger());
        config.put("worker.topic.results", topics.results());
        config.put("worker.group-id", "aihub-run-worker-" + suffix);
        config.put("aihub.api-root", "http://127.0.0.1:" + simulator.port() + "/api");
        return config;
    }

    private static int nextStart() {
        synchronized (System.getProperties()) {
            int start = Integer.getInteger(STARTS, 0) + 1;
            System.setProperty(STARTS, Integer.toString(start));
            return start;
        }
    }

    /** The topics an operator would create; the worker itself creates only its ledger. */
    private static void createTopics(String bootstrap, TestTopics topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> create = Stream.of(topics.commands(), topics.events(), topics.deadLetters(), topics.results())
                    .map(name -> new NewTopic(name, Optional.of(PARTITIONS), Optional.empty()))
                    .toList();
            admin.createTopics(create).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the test topics", e);
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(TestSimulator.server(),
                new TestInjector.AnnotatedAndMatchesType(InjectSimulator.class, SimulatorServer.class));
    }

    @Override
    public void stop() {
        // The broker and the simulator live as long as the JVM; this start's topics are left for inspection.
    }
}
