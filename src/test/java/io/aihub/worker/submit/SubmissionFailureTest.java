package io.aihub.worker.submit;

import static io.aihub.simulator.FaultAction.connectionReset;
import static io.aihub.simulator.FaultAction.dropResponse;
import static io.aihub.simulator.FaultAction.error;
import static io.aihub.simulator.FaultAction.errorRetryAfterDate;
import static io.aihub.simulator.FaultAction.errorRetryAfterSeconds;
import static io.aihub.simulator.FaultAction.malformedBody;
import static io.aihub.simulator.FaultAction.slowResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.simulator.FaultAction;
import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.RecordedRequest;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.SubmitGate;
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
 * Failed submissions against the simulator's fault injection: transient errors are retried with backoff and
 * Retry-After, permanent ones fail at once, unknown outcomes are reconciled so that exactly one run exists, and a
 * command in backoff does not hold up the commands behind it. The test profile allows 4 attempts.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class SubmissionFailureTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    AiHubClient client;

    @Inject
    ObjectMapper mapper;

    private void fault(String appName, long times, FaultAction action) {
        FaultRule.Builder rule = FaultRule.on(FaultOperation.SUBMIT).nameContains(appName);
        if (times > 0) {
            rule.times(times);
        }
        simulator.faults().add(rule.then(action));
    }

    private void sendApp(String commandId, String appName) {
        sendApp(commandId, commandId, appName);
    }

    private void sendApp(String key, String commandId, String appName) {
        topics.send(key, "{\"command_id\": \"" + commandId + "\", \"app_name\": \"" + appName + "\", \"batch_id\": 1}");
    }

    private List<RecordedRequest> posts(String commandId) {
        Optional<String> tag = Optional.of(RunCommand.runTag(commandId));
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(tag)).toList();
    }

    private long runs(String commandId) {
        return simulator.runsCreatedWithTag(RunCommand.runTag(commandId));
    }

    @Test
    void a_burst_of_three_transient_errors_then_success_takes_four_posts_and_starts_one_run() {
        fault("burst-app", 3, error(503, "busy"));

        sendApp("retry-burst", "burst-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("retry-burst", DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted", "aihub.run.completed");
        assertThat(events.get(0).data().get("attempts").asInt()).isEqualTo(4);
        assertThat(posts("retry-burst")).extracting(RecordedRequest::status).containsExactly(503, 503, 503, 200);
        assertThat(runs("retry-burst")).isEqualTo(1);
    }

    @Test
    void a_429_with_retry_after_in_seconds_delays_the_next_attempt_by_at_least_that() {
        fault("ra-seconds-app", 1, errorRetryAfterSeconds(429, "slow down", 2));

        sendApp("retry-after-seconds", "ra-seconds-app");
        topics.awaitTerminalEvent("retry-after-seconds", DEADLINE);

        List<RecordedRequest> posts = posts("retry-after-seconds");
        assertThat(posts).extracting(RecordedRequest::status).containsExactly(429, 200);
        assertThat(Duration.between(posts.get(0).time(), posts.get(1).time())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void a_503_with_retry_after_as_an_http_date_delays_the_next_attempt_until_that_date() {
        Instant notBefore = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        fault("ra-date-app", 1, errorRetryAfterDate(503, "maintenance", notBefore));

        sendApp("retry-after-date", "ra-date-app");
        topics.awaitTerminalEvent("retry-after-date", DEADLINE);

        List<RecordedRequest> posts = posts("retry-after-date");
        assertThat(posts).extracting(RecordedRequest::status).containsExactly(503, 200);
        assertThat(posts.get(1).time()).isAfterOrEqualTo(notBefore);
    }

    @ParameterizedTest
    @ValueSource(ints = { 400, 401, 403, 404, 422 })
    void a_permanent_refusal_gets_exactly_one_post_and_a_dead_letter_with_its_status(int status) {
        String commandId = "permanent-" + status;
        fault("refused-" + status + "-app", 1, error(status, "refused"));

        sendApp(commandId, "refused-" + status + "-app");
        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter(commandId, DEADLINE);
        List<CloudEventRecord> events = topics.awaitTerminalEvent(commandId, DEADLINE);

        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ERROR_CODE)).isEqualTo("AIHUB_REJECTED");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.HTTP_STATUS)).isEqualTo(Integer.toString(status));
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submission_failed");
        assertThat(events.get(0).data().get("error").get("message").asText())
                .isEqualTo("AI Hub answered HTTP " + status + ": refused");
        assertThat(posts(commandId)).hasSize(1);
        assertThat(runs(commandId)).isZero();
    }

    @Test
    void retries_that_run_out_dead_letter_the_command_as_retries_exhausted_after_the_maximum_attempts() {
        fault("exhausted-app", 0, error(503, "down"));

        sendApp("retry-exhausted", "exhausted-app");
        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter("retry-exhausted", DEADLINE);

        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ERROR_CODE)).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("4");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.HTTP_STATUS)).isEqualTo("503");
        assertThat(posts("retry-exhausted")).hasSize(4);
        assertThat(topics.awaitTerminalEvent("retry-exhausted", DEADLINE)).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submission_failed");
    }

    @Test
    void a_response_dropped_after_the_run_was_created_resumes_that_run_instead_of_starting_another() {
        fault("dropped-app", 1, dropResponse());

        sendApp("unknown-dropped", "dropped-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("unknown-dropped", DEADLINE);

        assertThat(runs("unknown-dropped")).isEqualTo(1);
        assertThat(posts("unknown-dropped")).hasSize(1);
        String runId = simulator.runsWithTag("aihub-run-worker:unknown-dropped").get(0).id();
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted", "aihub.run.completed");
        assertThat(events).allSatisfy(e -> assertThat(e.data().get("run_id").asText()).isEqualTo(runId));
    }

    @Test
    void a_dropped_response_is_reconciled_to_its_run_among_many_runs_of_the_same_app() throws Exception {
        // 150 other runs of the app fill the List runs window: the search must page past the first miss.
        for (int i = 0; i < 150; i++) {
            client.runApp("sim-org", mapper.readTree("{\"app_name\": \"crowded-app\", \"batch_id\": " + i + "}"),
                    SubmitGate.always())
                    .await().atMost(DEADLINE);
        }
        fault("crowded-app", 1, dropResponse());

        sendApp("unknown-crowded", "crowded-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("unknown-crowded", DEADLINE);

        assertThat(runs("unknown-crowded")).isEqualTo(1);
        assertThat(posts("unknown-crowded")).hasSize(1);
        String runId = simulator.runsWithTag("aihub-run-worker:unknown-crowded").get(0).id();
        assertThat(events).extracting(e -> e.data().get("run_id").asText()).containsOnly(runId);
    }

    @Test
    void a_client_timeout_after_the_run_was_created_resumes_that_run_instead_of_starting_another() {
        fault("slow-app", 1, slowResponse(Duration.ofMillis(2500)));

        sendApp("unknown-timeout", "slow-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("unknown-timeout", DEADLINE);

        assertThat(runs("unknown-timeout")).isEqualTo(1);
        String runId = simulator.runsWithTag("aihub-run-worker:unknown-timeout").get(0).id();
        assertThat(events).extracting(e -> e.data().get("run_id").asText()).containsOnly(runId);
        assertThat(events.get(events.size() - 1).type()).isEqualTo("aihub.run.completed");
    }

    @Test
    void a_malformed_success_body_is_an_unknown_outcome_and_the_created_run_is_found() {
        fault("malformed-app", 1, malformedBody());

        sendApp("unknown-malformed", "malformed-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("unknown-malformed", DEADLINE);

        assertThat(runs("unknown-malformed")).isEqualTo(1);
        assertThat(posts("unknown-malformed")).hasSize(1);
        assertThat(events.get(events.size() - 1).type()).isEqualTo("aihub.run.completed");
    }

    @Test
    void a_connection_reset_before_any_run_exists_is_retried_once_nothing_is_found() {
        fault("reset-app", 1, connectionReset());

        sendApp("unknown-reset", "reset-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("unknown-reset", DEADLINE);

        assertThat(posts("unknown-reset")).extracting(RecordedRequest::status)
                .containsExactly(RecordedRequest.NO_RESPONSE, 200);
        assertThat(runs("unknown-reset")).isEqualTo(1);
        assertThat(events.get(0).data().get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void a_command_in_backoff_does_not_delay_a_later_command_on_the_same_partition() {
        fault("backoff-app", 1, errorRetryAfterSeconds(429, "later", 3));

        sendApp("same-key", "backoff-first", "backoff-app");
        sendApp("same-key", "backoff-second", "quick-app");
        topics.awaitTerminalEvent("backoff-first", DEADLINE);
        topics.awaitTerminalEvent("backoff-second", DEADLINE);

        Instant first = Instant.parse(topics.eventsFor("backoff-first").get(0).time());
        Instant second = Instant.parse(topics.eventsFor("backoff-second").get(0).time());
        assertThat(second).isBefore(first);
        assertThat(posts("backoff-first")).extracting(RecordedRequest::status).containsExactly(429, 200);
    }
}
