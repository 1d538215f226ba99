package io.aihub.worker.track;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Measures the AI Hub calls a 10-minute run costs with the default poll settings, scaled down 100 times: the
 * simulator's run lasts 6 s (one RUNNING phase, then COMPLETE) and the worker polls with 20 ms initial interval,
 * multiplier 2 (the default) and a 600 ms cap, with the default jitter. The figure is read from
 * {@code aihub_calls_per_run} and printed.
 */
@QuarkusTest
@TestProfile(CallsPerRunTest.ScaledDefaults.class)
@WithTestResource(value = WorkerTestResource.class, initArgs = @ResourceArg(name = "phase-duration", value = "PT6S"))
class CallsPerRunTest extends KafkaFlowTest {

    /** Metrics are served on the management interface (root path /q), not on the HTTP port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    /** The default tracking settings divided by 100, and a 6-second simulated run. */
    public static class ScaledDefaults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "worker.tracking.poll-initial", "20ms",
                    "worker.tracking.poll-multiplier", "2",
                    "worker.tracking.poll-max", "600ms",
                    "worker.tracking.checkpoint-poll-interval", "3s",
                    "worker.tracking.bulk-interval", "150ms");
        }
    }

    private static double sample(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " "))
                // The value is the token after the name: a trace exemplar ("# {...} value time") may follow it.
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1).split(" ")[0]))
                .findFirst().orElse(Double.NaN);
    }

    @Test
    void a_ten_minute_run_scaled_down_costs_at_most_fifteen_calls() {
        List<String> ids = IntStream.range(0, 5).mapToObj(i -> "ten-minutes-" + i).toList();
        ids.forEach(id -> topics.send(id, "{\"command_id\": \"" + id + "\", \"app_name\": \"long-app\", \"batch_id\": 1}"));
        ids.forEach(id -> assertThat(topics.awaitTerminalEvent(id, Duration.ofSeconds(60))).last()
                .extracting(CloudEventRecord::type).isEqualTo("aihub.run.completed"));

        String metrics = given().get(metricsUrl).then().statusCode(200).extract().asString();
        double count = sample(metrics, "aihub_calls_per_run_count");
        double mean = sample(metrics, "aihub_calls_per_run_sum") / count;
        double max = sample(metrics, "aihub_calls_per_run_max");
        System.out.printf("[calls-per-run] runs=%.0f mean=%.1f max=%.0f (10-minute run scaled down 100x)%n", count,
                mean, max);

        assertThat(count).isEqualTo(5);
        assertThat(max).isLessThanOrEqualTo(15);
    }
}
