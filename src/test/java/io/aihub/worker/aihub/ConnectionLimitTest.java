package io.aihub.worker.aihub;

import static io.aihub.simulator.FaultAction.latency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.SlowRequestsProfile;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The REST client holds as many connections to AI Hub as the in-flight window needs: a full window of slow
 * submissions is at AI Hub at once, instead of the client's default pool of 50 and a queue behind it.
 */
@QuarkusTest
@TestProfile(SlowRequestsProfile.class)
@WithTestResource(WorkerTestResource.class)
class ConnectionLimitTest extends KafkaFlowTest {

    private static final int WINDOW = SlowRequestsProfile.WINDOW;
    // Long enough that a busy machine spreading the arrivals by a second cannot look like a queue.
    private static final Duration POST_LATENCY = Duration.ofSeconds(3);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    AiHubConfig config;

    @Test
    void a_full_window_of_slow_submissions_reaches_ai_hub_at_once() {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("pool-app")
                .then(latency(POST_LATENCY)));
        List<String> ids = IntStream.range(0, WINDOW).mapToObj(i -> "pool-" + i).toList();
        ids.forEach(id -> topics.send(id, "{\"command_id\": \"" + id + "\", \"app_name\": \"pool-app\", \"batch_id\": 1}"));

        ids.forEach(id -> assertThat(topics.awaitTerminalEvent(id, Duration.ofSeconds(60))).last()
                .extracting(CloudEventRecord::type).isEqualTo("aihub.run.completed"));

        List<Instant> arrivals = simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().map(t -> t.contains(":pool-")).orElse(false))
                .map(RecordedRequest::time).sorted().toList();
        assertThat(arrivals).hasSize(WINDOW);
        // Each POST is held for 3 s. With 50 connections the 51st could only start 3 s after the first; with a
        // connection per command in flight, all of them arrived while the first was still held.
        assertThat(Duration.between(arrivals.get(0), arrivals.get(WINDOW - 1))).isLessThan(POST_LATENCY);
    }

    @Test
    void the_connection_limit_is_the_window_plus_room_for_polls_unless_set() {
        assertThat(config.maxConnections()).isEmpty();
        assertThat(config.connectionLimit(WINDOW)).isEqualTo(WINDOW + AiHubConfig.POLL_CONNECTIONS);
        assertThat(AiHubConfig.connectionLimit(Optional.of(40), WINDOW)).isEqualTo(40);
        assertThatThrownBy(() -> AiHubConfig.connectionLimit(Optional.of(0), WINDOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aihub.max-connections");
    }
}
