package io.aihub.worker.submit;

import static io.aihub.simulator.FaultAction.error;
import static io.aihub.simulator.FaultAction.errorRetryAfterSeconds;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Attempts, retries by reason, dead letters by code and Retry-After waits show up at {@code /q/metrics}; and every
 * metric the README's metrics table documents is scraped with a sensible value after real commands ran.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class SubmissionMetricsTest extends KafkaFlowTest {

    /** Metrics are served on the management interface (root path /q), not on the HTTP port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    /** The value of one sample line of the Prometheus text, 0 when absent. */
    private static double sample(String metrics, String nameAndLabels) {
        return sampleIfPresent(metrics, nameAndLabels).orElse(0);
    }

    /** The value of one sample line of the Prometheus text, when the line is there. */
    private static OptionalDouble sampleIfPresent(String metrics, String nameAndLabels) {
        return metrics.lines().filter(line -> line.startsWith(nameAndLabels + " "))
                .mapToDouble(SubmissionMetricsTest::value)
                .findFirst();
    }

    private String scrape() {
        return given().get(metricsUrl).then().statusCode(200).extract().asString();
    }

    @Test
    void retries_dead_letters_and_retry_after_waits_are_counted() {
        String before = scrape();
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("metrics-busy").times(2)
                .then(error(502, "bad gateway")));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("metrics-later").times(1)
                .then(errorRetryAfterSeconds(429, "later", 1)));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("metrics-refused").times(1)
                .then(error(422, "unprocessable")));

        topics.send("metrics-busy", "{\"command_id\": \"metrics-busy\", \"app_name\": \"metrics-busy\", \"batch_id\": 1}");
        topics.send("metrics-later", "{\"command_id\": \"metrics-later\", \"app_name\": \"metrics-later\", \"batch_id\": 1}");
        topics.send("metrics-refused",
                "{\"command_id\": \"metrics-refused\", \"app_name\": \"metrics-refused\", \"batch_id\": 1}");
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
        // Retry-After: 1 was waited; a difference of two sums of doubles may come out a few ulps under 1.
        assertThat(delta(before, after, "aihub_submission_retry_after_wait_seconds_sum")).isBetween(1.0 - 1e-9, 5.0);
        assertThat(delta(before, after, "aihub_run_tracked_seconds_count{type=\"aihub.run.completed\"}"))
                .isGreaterThanOrEqualTo(2);
        assertThat(after).contains("aihub_runs_in_flight{status=\"RUNNING\"}", "aihub_poll_seconds_count{outcome=\"ok\"}",
                "aihub_ledger_restore_seconds_count");
    }

    /**
     * How to judge a documented metric that the rule by its name (counter: some sample grew; timer or summary: its
     * count grew; gauge: present) does not fit, or that this scenario cannot move. Add a row when a metric joins the
     * README that needs one.
     */
    private static final Map<String, Expectation> SPECIAL = Map.of(
            // A gauge: runs followed right now, which may be none at the moment of the scrape.
            "aihub_runs_in_flight", Expectation.PRESENT,
            // Restores happen at start-up (partitions assigned), before this test's "before" scrape.
            "aihub_ledger_restore_seconds", Expectation.COUNT_POSITIVE,
            // Waits only when the rate budget runs out, which this scenario's few calls never do.
            "aihub_rate_limit_wait_seconds", Expectation.PRESENT,
            // Grows only when List runs lists runs without tags, which this scenario never asks for.
            "aihub_list_runs_untagged_total", Expectation.PRESENT);

    private enum Expectation {
        /** The metric has at least one sample. */
        PRESENT,
        /** Its {@code _count} is above zero (not necessarily grown by this test). */
        COUNT_POSITIVE,
        /** A counter: some sample grew during the test. */
        GREW,
        /** A timer or summary: its {@code _count} and {@code _sum} grew during the test. */
        COUNT_GREW
    }

    @Test
    void every_metric_the_readme_documents_is_scraped_with_a_sensible_value() throws Exception {
        List<String> documented = documentedMetrics();
        assertThat(documented).as("metrics in the README's table").contains("aihub_commands_total", "aihub_poll_seconds");
        String before = scrape();
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("scrape-retried").times(1)
                .then(errorRetryAfterSeconds(429, "later", 1)));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("scrape-refused").times(1)
                .then(error(400, "bad request")));
        // The completed command asks for its results, so the results metrics move too.
        topics.send("scrape-completed", "{\"command_id\": \"scrape-completed\", \"app_name\": \"scrape-completed\","
                + " \"batch_id\": 1, \"results\": {\"publish\": true}}");
        for (String id : new String[] { "scrape-retried", "scrape-refused" }) {
            topics.send(id, "{\"command_id\": \"" + id + "\", \"app_name\": \"" + id + "\", \"batch_id\": 1}");
        }
        topics.send("scrape-rejected", "{\"command_id\": \"scrape-rejected\", \"app_name\": \"x\"}");
        for (String id : new String[] { "scrape-completed", "scrape-retried", "scrape-refused", "scrape-rejected" }) {
            topics.awaitTerminalEvent(id, DEADLINE);
        }
        topics.awaitDeadLetter("scrape-refused", DEADLINE);
        topics.awaitDeadLetter("scrape-rejected", DEADLINE);
        String after = scrape();

        // Exact where the test knows the answer.
        assertThat(delta(before, after, "aihub_commands_total{outcome=\"submitted\"}")).isEqualTo(2);
        assertThat(delta(before, after, "aihub_commands_total{outcome=\"rejected\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_commands_total{outcome=\"submission_failed\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_submission_attempts_total{http_status=\"429\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_submission_attempts_total{http_status=\"400\"}")).isEqualTo(1);
        // Retry-After: 1 was waited; a difference of two sums of doubles may come out a few ulps under 1.
        assertThat(delta(before, after, "aihub_submission_retry_after_wait_seconds_sum")).isBetween(1.0 - 1e-9, 5.0);
        assertThat(delta(before, after, "aihub_submission_retries_total{reason=\"TRANSIENT_NO_RUN\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_dead_letters_total{code=\"AIHUB_REJECTED\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_dead_letters_total{code=\"MISSING_FIELD\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_results_runs_total{outcome=\"published\"}")).isEqualTo(1);
        assertThat(delta(before, after, "aihub_run_tracked_seconds_count{type=\"aihub.run.completed\"}"))
                .isGreaterThanOrEqualTo(2);

        List<String> problems = new ArrayList<>();
        for (String name : documented) {
            Expectation expectation = SPECIAL.getOrDefault(name, name.endsWith("_total") ? Expectation.GREW
                    : samples(after, name + "_count").isEmpty() ? Expectation.PRESENT : Expectation.COUNT_GREW);
            String problem = check(name, expectation, before, after);
            if (problem != null) {
                problems.add(name + ": " + problem);
            }
        }
        assertThat(problems).as("documented metrics that are missing or not sensible").isEmpty();
        // The gauge of each documented status exists (a dashboard filters on it) and holds a count of runs: a
        // gauge whose state object is gone reports NaN.
        for (String status : new String[] { "RUNNING", "STOPPED_AT_CHECKPOINT", "PAUSED", "OTHER" }) {
            String gauge = "aihub_runs_in_flight{status=\"" + status + "\"}";
            OptionalDouble runs = sampleIfPresent(after, gauge);
            assertThat(runs).as(gauge).isPresent();
            assertThat(runs.getAsDouble()).as(gauge).isNotNegative().isEqualTo(Math.rint(runs.getAsDouble()));
        }
    }

    private static String check(String name, Expectation expectation, String before, String after) {
        List<String> lines = samples(after, name);
        if (lines.isEmpty() && samples(after, name + "_count").isEmpty()) {
            return "not in the scrape";
        }
        return switch (expectation) {
            case PRESENT -> null;
            case COUNT_POSITIVE -> total(after, name + "_count") > 0 ? null : "_count is 0";
            case GREW -> total(after, name) > total(before, name) ? null : "no sample grew while commands ran";
            case COUNT_GREW -> total(after, name + "_count") > total(before, name + "_count")
                    && total(after, name + "_sum") > total(before, name + "_sum") ? null
                            : "_count or _sum did not grow while commands ran";
        };
    }

    /** The sample lines of one metric name (any labels). */
    private static List<String> samples(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " ")).toList();
    }

    /** The sum of a metric's samples over all label sets. */
    private static double total(String metrics, String name) {
        return samples(metrics, name).stream().mapToDouble(SubmissionMetricsTest::value).sum();
    }

    /** The value of a sample line: after the name and labels; a trace exemplar (" # {...} 1.0 <time>") may follow. */
    private static double value(String line) {
        int brace = line.indexOf('{');
        int end = brace >= 0 && brace < line.indexOf(' ') ? line.indexOf("} ") + 1 : line.indexOf(' ');
        return Double.parseDouble(line.substring(end).trim().split("\\s+")[0]);
    }

    /** The metric names in the README's metrics table (first column), e.g. {@code aihub_poll_seconds}. */
    static List<String> documentedMetrics() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).replace(" ", "").startsWith("|metric|tags|meaning|")) {
                header = i;
                break;
            }
        }
        assertThat(header).as("the README's metrics table (| metric | tags | meaning |)").isNotNegative();
        List<String> names = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).trim().startsWith("|"); i++) {
            Matcher name = Pattern.compile("^\\|\\s*`([a-z_:]+)`").matcher(lines.get(i).trim());
            if (name.find()) {
                names.add(name.group(1));
            }
        }
        return names;
    }

    private static double delta(String before, String after, String nameAndLabels) {
        return sample(after, nameAndLabels) - sample(before, nameAndLabels);
    }
}
