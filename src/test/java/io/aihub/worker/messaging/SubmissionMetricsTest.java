package io.aihub.worker.messaging;

import static io.aihub.worker.simulator.FaultAction.error;
import static io.aihub.worker.simulator.FaultAction.errorRetryAfterSeconds;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.aihub.worker.simulator.AiHubSimulator;
import io.aihub.worker.simulator.FaultOperation;
import io.aihub.worker.simulator.FaultRule;
import io.aihub.worker.support.KafkaBrokerResource;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.KafkaTopics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Attempts, retries by reason, dead letters by code and Retry-After waits show up at {@code /q/metrics}. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class SubmissionMetricsTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    AiHubSimulator simulator;

    /** The value of one sample line of the Prometheus text, 0 when absent. */
    private static double sample(String metrics, String nameAndLabels) {
        return metrics.lines().filter(line -> line.startsWith(nameAndLabels + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void retries_dead_letters_and_retry_after_waits_are_counted() {
        String before = scrape();
        simulator.server().faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("metrics-busy").times(2)
                .then(error(502, "bad gateway")));
        simulator.server().faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("metrics-later").times(1)
                .then(errorRetryAfterSeconds(429, "later", 1)));
        simulator.server().faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("metrics-refused").times(1)
                .then(error(422, "unprocessable")));

        topics.send("metrics-busy", "{\"command_id\": \"metrics-busy\", \"app_name\": \"metrics-busy\", \"batch_id\": 1}");
        topics.send("metrics-later", "{\"command_id\": \"metrics-later\", \"app_name\": \"metrics-later\", \"batch_id\": 1}");
        topics.send("metrics-refused", "{\"command_id\": \"metrics-refused\", \"app_name\": \"metrics-refused\", \"batch_id\": 1}");
        topics.send("metrics-invalid", "{\"command_id\": \"metrics-invalid\"}");
        for (String id : new String[] { "metrics-busy", "metrics-later", "metrics-refused", "metrics-invalid" }) {
            topics.awaitTerminalEvent(id, DEADLINE);
        }
        topics.awaitDeadLetter("metrics-invalid", DEADLINE);
        String after = scrape();

        assertThat(delta(before, after, "aihub_submission_attempts_total{http_status=\"502\"}")).isEqualTo(2);
        assertThat(delta(before, after, "aihub_submission_attempts_total{http_status=\"429\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_submission_attempts_total{http_status=\"422\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_submission_retries_total{reason=\"UNKNOWN_OUTCOME\"}")).isEqualTo(2);
        assertThat(delta(before, after, "aihub_submission_retries_total{reason=\"TRANSIENT_NO_RUN\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_dead_letters_total{code=\"AIHUB_REJECTED\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_dead_letters_total{code=\"MISSING_FIELD\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_commands_total{outcome=\"submitted\"}")).isEqualTo(2);
        assertThat(delta(before, after, "aihub_commands_total{outcome=\"submission_failed\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_commands_total{outcome=\"rejected\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_submission_retry_after_wait_seconds_count")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_submission_retry_after_wait_seconds_sum")).isBetween(1.0, 5.0);
        assertThat(delta(before, after, "aihub_run_tracked_seconds_count{type=\"aihub.run.completed\"}"))
                .isGreaterThanOrEqualTo(2);
        assertThat(after).contains("aihub_runs_in_flight{status=\"RUNNING\"}", "aihub_poll_seconds_count{outcome=\"ok\"}",
                "aihub_ledger_restore_seconds_count");
    }

    private static double delta(String before, String after, String nameAndLabels) {
        return sample(after, nameAndLabels) - sample(before, nameAndLabels);
    }
}
