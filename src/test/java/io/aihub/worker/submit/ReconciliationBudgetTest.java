package io.aihub.worker.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.aihub.simulator.FaultAction;
import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.RecordedRequest;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.command.DeadLetterHeaders;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.KafkaTopics;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The search that follows an unknown outcome has a budget (design.md, "Every wait is bounded and ends in an
 * outcome"): when List runs keeps failing, the command ends {@code submission_failed} with {@code OUTCOME_UNKNOWN}
 * and a dead letter that says a run may exist — never a second POST without a search that succeeded.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class ReconciliationBudgetTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    private List<RecordedRequest> posts(String commandId) {
        Optional<String> tag = Optional.of(RunCommand.runTag(commandId));
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(tag)).toList();
    }

    private void lostAnswerThenListing(String id, String app, FaultAction listing) {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains(app).times(1)
                .then(FaultAction.dropResponse()));
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains(app).then(listing));
        topics.send(id, "{\"command_id\": \"" + id + "\", \"app_name\": \"" + app + "\", \"batch_id\": 1}");
    }

    private void assertEndedOutcomeUnknown(String id) {
        List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submission_failed");
        assertThat(events.get(0).data().path("error").path("code").asText()).isEqualTo("OUTCOME_UNKNOWN");
        topics.awaitDeadLetter(id, DEADLINE);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = topics.deadLettersWithKey(id);
        assertThat(deadLetters).hasSize(1);
        assertThat(KafkaTopics.header(deadLetters.get(0), DeadLetterHeaders.ERROR_CODE)).isEqualTo("OUTCOME_UNKNOWN");
        assertThat(KafkaTopics.header(deadLetters.get(0), DeadLetterHeaders.REASON)).contains("a run may exist");
        assertThat(posts(id)).hasSize(1);
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(id))).isEqualTo(1);
    }

    @Test
    void a_list_runs_refused_with_403_after_a_lost_answer_ends_outcome_unknown_without_a_second_post() {
        lostAnswerThenListing("search-forbidden", "search-forbidden-app", FaultAction.error(403, "not allowed"));

        assertEndedOutcomeUnknown("search-forbidden");
        long searches = simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.query().contains("app_name=search-forbidden-app")).count();
        assertThat(searches).isEqualTo(1);
    }

    @Test
    void a_list_runs_failing_with_5xx_past_the_retry_budget_ends_outcome_unknown_without_a_second_post() {
        lostAnswerThenListing("search-failing", "search-failing-app", FaultAction.error(502, "bad gateway"));

        assertEndedOutcomeUnknown("search-failing");
        long searches = simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.query().contains("app_name=search-failing-app")).count();
        // worker.retry.max-attempts=4 in the test profile: the budget of searches, as of POSTs.
        assertThat(searches).isEqualTo(4);
    }
}
