package io.aihub.worker.config;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Properties of the Kafka clients the worker makes itself (ledger restore, dead-letter replay, admin lookup): the
 * application's connection settings (bootstrap servers, security) without the group, so they never join the
 * worker's consumer group or commit its offsets.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /**
     * A group-less consumer of committed records only, named {@code aihub-run-worker-<purpose>}, reading at most
     * {@code maxPollRecords} per poll.
     */
    public static Map<String, Object> grouplessConsumer(Map<String, Object> kafka, String purpose, int maxPollRecords) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "aihub-run-worker-" + purpose);
        return props;
    }
}
