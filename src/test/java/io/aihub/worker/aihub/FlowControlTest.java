package io.aihub.worker.aihub;

import static io.aihub.simulator.FaultAction.errorRetryAfterSeconds;
import static io.aihub.simulator.FaultAction.latency;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;

/**
 * Flow control against the simulator and the real broker: the shared rate limit holds over every 1-second window
 * as the simulator saw the calls, polls go on while submissions saturate it, a 429 lowers the rate and it recovers,
 * and ordering by key submits commands of one key one after another while other keys go on.
 */
@QuarkusTest
@TestProfile(FlowProfile.class)
@WithTestResource(value = WorkerTestResource.class, initArgs = @ResourceArg(name = "phase-duration", value = FlowProfile.PHASE))
class FlowControlTest extends KafkaFlowTest {

    /** Metrics are served on the management interface (root path /q), not on the HTTP port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    RateLimiter limiter;

    private void sendApp(String key, String commandId, String appName) {
        topics.send(key, "{\"command_id\": \"" + commandId + "\", \"app_name\": \"" + appName + "\", \"batch_id\": 1}");
    }

    private List<RecordedRequest> posts(String commandId) {
        Optional<String> tag = Optional.of(RunCommand.runTag(commandId));
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(tag)).toList();
    }

    private static int mostInOneSecond(List<Instant> times) {
        List<Instant> sorted = times.stream().sorted().toList();
        int most = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (Duration.between(sorted.get(j), sorted.get(i)).compareTo(Duration.ofSeconds(1)) >= 0) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    @Inject
    AiHubClient client;

    @Test
    void a_post_is_checked_and_its_start_taken_only_once_it_holds_its_rate_limiter_token() throws Exception {
        await().atMost(DEADLINE).until(() -> limiter.currentRate() == FlowProfile.RATE);
        // The burst and one second of tokens go to calls queued first, so the POST's token comes about 1 s later.
        for (int i = 0; i < 5 + FlowProfile.RATE; i++) {
            limiter.acquire(CallKind.SUBMIT).subscribe().with(grantedAt -> {
            });
        }
        long askedAt = System.nanoTime();
        AtomicLong openedAt = new AtomicLong();
        SubmitGate gate = new SubmitGate() {
            @Override
            public Uni<Boolean> open() {
                openedAt.set(System.nanoTime());
                return Uni.createFrom().item(true);
            }

            @Override
            public void closed() {
            }

            @Override
            public boolean wanted() {
                return true;
            }
        };

        Run run = client.runApp("sim-org", (ObjectNode) new ObjectMapper().readTree("""
                {"app_name": "last-moment-app", "batch_id": 1, "settings": {"tags": ["aihub-run-worker:last-moment"]}}"""),
                gate).await().atMost(DEADLINE);

        assertThat(run.id()).isNotBlank();
        // Checked (lease, membership) and stamped as the POST's start after the wait, not when the call was made.
        assertThat(Duration.ofNanos(openedAt.get() - askedAt)).isGreaterThan(Duration.ofMillis(800));
    }

    @Test
    void a_burst_of_commands_never_brings_ai_hub_more_calls_than_the_rate_in_any_second_and_polls_go_on() {
        Instant start = Instant.now();
        List<String> ids = IntStream.range(0, 120).mapToObj(i -> "burst-" + i).toList();
        ids.forEach(id -> sendApp(id, id, "burst-app"));

        ids.forEach(id -> assertThat(topics.awaitTerminalEvent(id, DEADLINE)).last()
                .extracting(CloudEventRecord::type).isEqualTo("aihub.run.completed"));

        List<RecordedRequest> seen = simulator.requests().stream()
                .filter(r -> !r.time().isBefore(start)).toList();
        assertThat(mostInOneSecond(seen.stream().map(RecordedRequest::time).toList()))
                .isLessThanOrEqualTo(FlowProfile.RATE);
        // While submissions queued (between the first and the last POST), status calls still had their share.
        List<Instant> postTimes = ids.stream().flatMap(id -> posts(id).stream()).map(RecordedRequest::time).sorted()
                .toList();
        Instant firstPost = postTimes.get(0);
        Instant lastPost = postTimes.get(postTimes.size() - 1);
        long during = seen.stream().filter(r -> !r.time().isBefore(firstPost) && !r.time().isAfter(lastPost)).count();
        long statusCalls = seen.stream().filter(r -> r.method().equals("GET")) // status GETs and List runs
                .filter(r -> !r.time().isBefore(firstPost) && !r.time().isAfter(lastPost)).count();
        Duration window = Duration.between(firstPost, lastPost);
        assertThat(window).isGreaterThan(Duration.ofSeconds(2));
        // Status calls (single GETs, or List runs pages once above the bulk threshold) went on every second.
        assertThat(statusCalls).isGreaterThanOrEqualTo(window.toSeconds()).isLessThan(during);
    }

    @Test
    void a_429_halves_the_rate_and_the_rate_recovers_to_the_configured_one() {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("throttled-app").times(1)
                .then(errorRetryAfterSeconds(429, "slow down", 1)));

        sendApp("throttled", "throttled", "throttled-app");

        await().atMost(DEADLINE).until(() -> limiter.currentRate() < FlowProfile.RATE);
        assertThat(limiter.currentRate()).isEqualTo(FlowProfile.RATE / 2.0);
        await().atMost(DEADLINE).until(() -> limiter.currentRate() == FlowProfile.RATE);
        assertThat(topics.awaitTerminalEvent("throttled", DEADLINE)).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.completed");
    }

    @Test
    void commands_with_the_same_key_are_submitted_one_after_the_others_outcome() {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("ordered-slow-app").times(1)
                .then(latency(Duration.ofMillis(1500))));

        sendApp("order-key", "ordered-first", "ordered-slow-app");
        sendApp("order-key", "ordered-second", "ordered-quick-app");
        topics.awaitTerminalEvent("ordered-first", DEADLINE);
        topics.awaitTerminalEvent("ordered-second", DEADLINE);

        Instant firstSubmitted = Instant.parse(topics.eventsFor("ordered-first").get(0).time());
        assertThat(posts("ordered-second")).hasSize(1);
        assertThat(posts("ordered-second").get(0).time()).isAfterOrEqualTo(firstSubmitted);
    }

    @Test
    void a_hot_key_throttled_with_429s_completes_every_command_in_order_with_one_run_each() {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("hot-key-app").times(3)
                .then(errorRetryAfterSeconds(429, "slow down", 1)));
        // Three 429s: the first command needs all four attempts, and every one behind it waits that long.
        // More records of one key than may wait behind it (worker.max-waiting-per-key): its partition pauses.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3 * FlowProfile.MAX_WAITING_PER_KEY; i++) {
            ids.add("hot-" + i);
            sendApp("hot-tenant", "hot-" + i, "hot-key-app");
        }

        List<Instant> submitted = new ArrayList<>();
        for (String id : ids) {
            assertThat(topics.awaitTerminalEvent(id, Duration.ofSeconds(90))).extracting(CloudEventRecord::type)
                    .containsExactly("aihub.run.submitted", "aihub.run.completed");
            submitted.add(Instant.parse(topics.eventsFor(id).get(0).time()));
            assertThat(simulator.runsCreatedWithTag(RunCommand.runTag(id))).isEqualTo(1);
            assertThat(topics.deadLettersWithKey("hot-tenant")).isEmpty();
        }
        assertThat(submitted).isSorted();
    }

    @Test
    void commands_with_other_keys_go_on_while_one_key_waits() {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("keyed-slow-app").times(1)
                .then(latency(Duration.ofMillis(1500))));

        sendApp("slow-key", "keyed-slow", "keyed-slow-app");
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add("keyed-other-" + i);
            sendApp("other-key-" + i, "keyed-other-" + i, "keyed-quick-app");
        }
        topics.awaitTerminalEvent("keyed-slow", DEADLINE);
        others.forEach(id -> topics.awaitTerminalEvent(id, DEADLINE));

        Instant slowSubmitted = Instant.parse(topics.eventsFor("keyed-slow").get(0).time());
        for (String id : others) {
            assertThat(Instant.parse(topics.eventsFor(id).get(0).time())).isBefore(slowSubmitted);
        }
    }

    private static double sample(String metrics, String nameAndLabels) {
        return metrics.lines().filter(line -> line.startsWith(nameAndLabels + " "))
                // The value is the token after the name: a trace exemplar ("# {...} value time") may follow it.
                .mapToDouble(line -> Double.parseDouble(line.substring(nameAndLabels.length() + 1).split(" ")[0]))
                .findFirst().orElse(Double.NaN);
    }

    @Test
    void the_flow_control_metrics_are_published_at_q_metrics() {
        sendApp("metrics-flow", "metrics-flow", "metrics-flow-app");
        topics.awaitTerminalEvent("metrics-flow", DEADLINE);
        await().atMost(DEADLINE).until(() -> limiter.currentRate() == FlowProfile.RATE);

        String metrics = given().get(metricsUrl).then().statusCode(200).extract().asString();

        assertThat(sample(metrics, "aihub_rate_limit_requests_per_second")).isEqualTo(FlowProfile.RATE);
        assertThat(sample(metrics, "aihub_outage")).isZero();
        assertThat(sample(metrics, "aihub_rate_limit_wait_seconds_count{kind=\"submit\"}")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "aihub_rate_limit_wait_seconds_count{kind=\"poll\"}")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "aihub_calls_per_run_count")).isGreaterThanOrEqualTo(1);
        // A run alone: its POST and its own GETs, at least submitted + the poll that saw it end.
        assertThat(sample(metrics, "aihub_calls_per_run_max")).isGreaterThanOrEqualTo(2);
        // Histogram buckets (aggregatable over replicas) instead of client-side quantiles.
        assertThat(sample(metrics, "aihub_poll_schedule_lag_seconds_bucket{le=\"+Inf\"}")).isGreaterThanOrEqualTo(1);
        assertThat(metrics).doesNotContain("aihub_poll_schedule_lag_seconds{quantile=")
                .doesNotContain("aihub_calls_per_run{quantile=");
        assertThat(sample(metrics, "aihub_calls_per_run_bucket{le=\"+Inf\"}")).isGreaterThanOrEqualTo(1);
        assertThat(sample(metrics, "aihub_poll_schedule_lag_seconds_count")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void commands_in_backoff_leave_their_in_flight_slots_to_the_commands_behind_them() {
        int waiting = FlowProfile.MAX_IN_FLIGHT;
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("backoff-fill-app")
                .times(waiting).then(errorRetryAfterSeconds(429, "later", 4)));
        List<String> backingOff = IntStream.range(0, waiting).mapToObj(i -> "backoff-fill-" + i).toList();
        backingOff.forEach(id -> sendApp(id, id, "backoff-fill-app"));
        await().atMost(DEADLINE).until(() -> backingOff.stream().allMatch(id -> !posts(id).isEmpty()));

        sendApp("backoff-free", "backoff-free", "backoff-free-app");

        Instant free = Instant.parse(topics.awaitTerminalEvent("backoff-free", DEADLINE).get(0).time());
        for (String id : backingOff) {
            List<CloudEventRecord> events = topics.awaitTerminalEvent(id, DEADLINE);
            assertThat(Instant.parse(events.get(0).time())).isAfter(free);
            assertThat(posts(id)).extracting(RecordedRequest::status).containsExactly(429, 200);
        }
    }
}
