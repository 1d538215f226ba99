package io.aihub.worker.observability;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.OtlpCollector;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The default build exports the spans of a command's trace as soon as an OTLP endpoint is configured at run time (no
 * rebuild, no build-time property: the profile sets only run-time ones) — here to a bare HTTP endpoint that keeps
 * what it receives.
 */
@QuarkusTest
@TestProfile(OtlpCollector.Profile.class)
@WithTestResource(value = WorkerTestResource.class, initArgs = @ResourceArg(name = "phase-duration", value = "PT2S"))
class OtlpExportTest extends KafkaFlowTest {

    @Test
    void the_spans_of_a_commands_trace_reach_the_collector() {
        String traceId = "7bf92f3577b34da6a3ce929d0e0e4737";
        String id = "otlp-export";
        topics.send(id, ("{\"command_id\": \"" + id + "\", \"app_name\": \"otlp-app\", \"batch_id\": 1}")
                .getBytes(StandardCharsets.UTF_8), Map.of("traceparent", "00-" + traceId + "-10f067aa0ba902b8-01"));
        topics.awaitTerminalEvent(id, Duration.ofSeconds(30));

        // OTLP/protobuf carries trace IDs as their 16 raw bytes.
        byte[] wanted = HexFormat.of().parseHex(traceId);
        await().atMost(Duration.ofSeconds(30)).until(() -> OtlpCollector.anyExportContains(wanted));
    }
}
