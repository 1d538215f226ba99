package io.aihub.worker.aihub;

import static io.aihub.simulator.FaultAction.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.RecordedRequest;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.FlowProfile;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A 15-second AI Hub outage (every call answers 503) while commands are in flight and more arrive: the worker
 * pauses intake instead of burning commands into the dead-letter topic, and once AI Hub answers again every command
 * completes with exactly one run. Takes about 25 s.
 */
@QuarkusTest
@TestProfile(FlowProfile.class)
@WithTestResource(value = WorkerTestResource.class, initArgs = @ResourceArg(name = "phase-duration", value = FlowProfile.PHASE))
class OutageTest extends KafkaFlowTest {

    // Far beyond the test profile's retry budget (4 attempts at most 200 ms apart, for a 503 answered at once) and
    // fifteen outage probes long: only the outage freeze can keep commands out of the dead-letter topic.
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    OutageDetector outage;

    private void sendApp(String commandId) {
        topics.send(commandId, "{\"command_id\": \"" + commandId + "\", \"app_name\": \"outage-app\", \"batch_id\": 1}");
    }

    private List<RecordedRequest> posts(String commandId) {
        Optional<String> tag = Optional.of(RunCommand.runTag(commandId));
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(tag)).toList();
    }

    @Test
    void an_outage_longer_than_the_retry_budget_ends_with_no_dead_letter_and_every_command_completed_once() {
        List<String> before = IntStream.range(0, 20).mapToObj(i -> "outage-early-" + i).toList();
        List<String> during = IntStream.range(0, 20).mapToObj(i -> "outage-late-" + i).toList();
        before.forEach(this::sendApp);
        FaultRule rule = simulator.faults()
                .add(FaultRule.on(FaultOperation.ANY).forDuration(OUTAGE).then(error(503, "down for maintenance")));
        Instant outageEnds = rule.until().orElseThrow();

        await().atMost(Duration.ofSeconds(30)).until(outage::inOutage);
        during.forEach(this::sendApp);

        Duration deadline = OUTAGE.plus(Duration.ofSeconds(60));
        for (String id : before) {
            assertThat(topics.awaitTerminalEvent(id, deadline)).last().extracting(CloudEventRecord::type)
                    .isEqualTo("aihub.run.completed");
        }
        for (String id : during) {
            assertThat(topics.awaitTerminalEvent(id, deadline)).last().extracting(CloudEventRecord::type)
                    .isEqualTo("aihub.run.completed");
            // Intake held the commands that arrived during the outage: none was even posted before it ended.
            assertThat(posts(id)).extracting(RecordedRequest::time).allSatisfy(t -> assertThat(t).isAfter(outageEnds));
        }
        for (String id : before) {
            assertThat(topics.deadLettersWithKey(id)).isEmpty();
            assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(id))).isEqualTo(1);
            assertThat(posts(id)).filteredOn(p -> p.status() == 200).hasSize(1);
        }
        for (String id : during) {
            assertThat(topics.deadLettersWithKey(id)).isEmpty();
            assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(id))).isEqualTo(1);
            assertThat(posts(id)).hasSize(1);
        }
        assertThat(outage.inOutage()).isFalse();
    }
}
