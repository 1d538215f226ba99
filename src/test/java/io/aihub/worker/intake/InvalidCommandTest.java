package io.aihub.worker.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.aihub.worker.command.DeadLetterHeaders;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.KafkaTopics;
import io.aihub.worker.support.TestTopics;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Invalid commands go to the dead-letter topic with their original key, bytes and headers plus the diagnostic
 * headers, a {@code rejected} event is published when a command ID could be read, and the consumer goes on.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class InvalidCommandTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void a_value_that_is_not_json_is_dead_lettered_unchanged_with_its_headers() {
        byte[] value = "this is { not json".getBytes(StandardCharsets.UTF_8);
        topics.send("bad-not-json", value, Map.of("trace", "t-1"));

        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter("bad-not-json", DEADLINE);

        assertThat(dead.value()).isEqualTo(value);
        assertThat(KafkaTopics.header(dead, "trace")).isEqualTo("t-1");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ERROR_CODE)).isEqualTo("INVALID_JSON");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.REASON))
                .isEqualTo("INVALID_JSON: the value is not well-formed JSON");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.CAUSE)).isEqualTo("INVALID_JSON");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.TOPIC)).isEqualTo(TestTopics.ofRunningApplication().commands());
        assertThat(Integer.parseInt(KafkaTopics.header(dead, DeadLetterHeaders.PARTITION))).isBetween(0, 3);
        assertThat(Long.parseLong(KafkaTopics.header(dead, DeadLetterHeaders.OFFSET))).isNotNegative();
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("0");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.HTTP_STATUS)).isNull();
    }

    @Test
    void a_command_without_a_command_id_is_dead_lettered_and_has_no_event() {
        String value = "{\"app_name\": \"invoices\", \"batch_id\": 1}";
        topics.send("bad-no-id", value);

        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter("bad-no-id", DEADLINE);

        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(value);
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ERROR_CODE)).isEqualTo("MISSING_FIELD");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.REASON)).isEqualTo("MISSING_FIELD: command_id: required");
    }

    @Test
    void both_app_name_and_app_id_are_rejected_with_a_rejected_event() {
        topics.send("bad-both-apps", """
                {"command_id": "bad-both-apps", "app_name": "a", "app_id": "b", "batch_id": 1}""");

        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter("bad-both-apps", DEADLINE);
        List<CloudEventRecord> events = topics.awaitTerminalEvent("bad-both-apps", DEADLINE);

        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ERROR_CODE)).isEqualTo("CONFLICTING_FIELDS");
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("aihub.run.rejected");
            assertThat(event.id()).isEqualTo("bad-both-apps:1");
            assertThat(event.data().get("status").asText()).isEqualTo("REJECTED");
            assertThat(event.data().get("error").get("code").asText()).isEqualTo("CONFLICTING_FIELDS");
            assertThat(event.data().get("error").get("message").asText())
                    .isEqualTo("app_name, app_id, deployment_id: exactly one may be given");
        });
    }

    @Test
    void a_command_whose_context_is_not_allowed_is_rejected_with_its_metadata_like_every_other_event() {
        topics.send("bad-context", """
                {"command_id": "bad-context", "app_name": "a", "batch_id": 1, "ib_context": "someone-else",
                 "metadata": {"order_id": "A-17", "tenant": "t-3"}}""");
        topics.send("bad-metadata", """
                {"command_id": "bad-metadata", "app_name": "a", "batch_id": 1, "metadata": {"order_id": 17}}""");

        List<CloudEventRecord> rejected = topics.awaitTerminalEvent("bad-context", DEADLINE);
        List<CloudEventRecord> unreadable = topics.awaitTerminalEvent("bad-metadata", DEADLINE);

        assertThat(rejected).singleElement().satisfies(event -> {
            assertThat(event.data().get("error").get("code").asText()).isEqualTo("CONTEXT_NOT_ALLOWED");
            assertThat(event.data().get("metadata")).hasToString("{\"order_id\":\"A-17\",\"tenant\":\"t-3\"}");
        });
        // Metadata that is itself what broke the rules is not echoed.
        assertThat(unreadable).singleElement().satisfies(event -> {
            assertThat(event.data().get("error").get("code").asText()).isEqualTo("INVALID_FIELD");
            assertThat(event.data().path("metadata").size()).isZero();
        });
    }

    @Test
    void a_command_without_an_input_is_rejected_and_the_next_valid_command_still_runs() {
        topics.send("stream-key", """
                {"command_id": "bad-no-input", "app_name": "invoices"}""");
        topics.send("stream-key", """
                {"command_id": "good-after-bad", "app_name": "invoices", "batch_id": 3}""");

        List<CloudEventRecord> rejected = topics.awaitTerminalEvent("bad-no-input", DEADLINE);
        List<CloudEventRecord> completed = topics.awaitTerminalEvent("good-after-bad", DEADLINE);

        assertThat(rejected).extracting(CloudEventRecord::type).containsExactly("aihub.run.rejected");
        assertThat(rejected.get(0).data().get("error").get("code").asText()).isEqualTo("MISSING_FIELD");
        assertThat(completed).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.completed");
        assertThat(topics.deadLettersWithKey("stream-key")).singleElement()
                .satisfies(d -> assertThat(KafkaTopics.header(d, DeadLetterHeaders.ERROR_CODE)).isEqualTo("MISSING_FIELD"));
    }

    @Test
    void a_permanent_refusal_by_ai_hub_is_a_submission_failure_and_a_dead_letter() {
        topics.send("bad-missing-app", """
                {"command_id": "bad-missing-app", "app_name": "missing-app", "batch_id": 1}""");

        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter("bad-missing-app", DEADLINE);
        List<CloudEventRecord> events = topics.awaitTerminalEvent("bad-missing-app", DEADLINE);

        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ERROR_CODE)).isEqualTo("AIHUB_REJECTED");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.HTTP_STATUS)).isEqualTo("404");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.FIRST_FAILURE_AT)).isNotBlank();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("aihub.run.submission_failed");
            assertThat(event.data().get("status").asText()).isEqualTo("SUBMISSION_FAILED");
            assertThat(event.data().get("error").get("http_status").asInt()).isEqualTo(404);
        });
    }
}
