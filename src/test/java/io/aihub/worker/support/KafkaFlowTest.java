package io.aihub.worker.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the tests that cross Kafka: a connection to the topics of the application under test (the real broker
 * chosen by {@link WorkerTestResource}), opened once per test class and closed after it.
 */
public abstract class KafkaFlowTest {

    protected static KafkaTopics topics;

    @BeforeAll
    static void connectToTopics() {
        topics = KafkaTopics.forRunningApplication();
    }

    @AfterAll
    static void disconnectFromTopics() {
        if (topics != null) {
            topics.close();
            topics = null;
        }
    }
}
