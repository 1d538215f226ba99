package io.aihub.worker.messaging;

import static io.aihub.simulator.FaultAction.errorRetryAfterSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.GroupMember;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Real rebalances with two members of one group: a partition taken while its commands wait in backoff is handed
 * over and back; no command starts two runs, none is lost, no event id carries two contents.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class RebalanceTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    PartitionOwnership ownership;

    @Test
    void commands_in_backoff_when_their_partition_moves_and_comes_back_run_once_each_and_complete() throws Exception {
        // Every first POST is throttled (2 s), so the commands wait in backoff when the partitions move.
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("moving-app")
                .times(4L * WorkerTestResource.PARTITIONS).then(errorRetryAfterSeconds(429, "slow down", 2)));
        List<String> ids = new ArrayList<>();
        for (int p = 0; p < WorkerTestResource.PARTITIONS; p++) {
            for (int i = 0; i < 4; i++) {
                String id = "moving-" + p + "-" + i;
                ids.add(id);
                topics.send(p, id, "{\"command_id\": \"" + id + "\", \"app_name\": \"moving-app\", \"batch_id\": 1}");
            }
        }

        GroupMember.awayAndBack(ownership, DEADLINE, partition -> {
        });

        for (String id : ids) {
            List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);
            assertThat(events.get(events.size() - 1).type()).isEqualTo("aihub.run.completed");
            assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(id))).as(id).isEqualTo(1);
            assertThat(topics.deadLettersWithKey(id)).isEmpty();
            Map<String, String> contentById = new HashMap<>();
            for (CloudEventRecord event : topics.eventsFor(id)) {
                String content = event.type() + "/" + event.data().path("status").asText();
                assertThat(contentById.putIfAbsent(event.id(), content)).as(event.id()).isIn(null, content);
            }
            assertThat(contentById.keySet()).containsExactlyInAnyOrder(id + ":1", id + ":2");
        }
    }
}
