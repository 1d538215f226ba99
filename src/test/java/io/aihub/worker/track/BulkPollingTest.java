package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.aihub.simulator.FaultAction;
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
 * Economical polling: above the bulk threshold (8 in this profile) runs are refreshed through List runs, and the
 * events they get are exactly those of runs polled one by one, with fewer status calls per run.
 */
@QuarkusTest
@TestProfile(FlowProfile.class)
@WithTestResource(value = WorkerTestResource.class, initArgs = @ResourceArg(name = "phase-duration", value = FlowProfile.PHASE))
class BulkPollingTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final List<String> SCENARIOS = List.of("plain", "checkpoint", "fail");

    @InjectSimulator
    SimulatorServer simulator;

    private void send(String commandId, String appName) {
        topics.send(commandId, "{\"command_id\": \"" + commandId + "\", \"app_name\": \"" + appName
                + "\", \"batch_id\": 1}");
    }

    /** What a listener sees of a command: each event's type, status and previous status, in order. */
    private static List<String> story(List<CloudEventRecord> events) {
        return events.stream().map(e -> e.type() + " " + e.data().path("status").asText() + " <- "
                + e.data().path("previous_status").asText()).toList();
    }

    private long statusCalls(String commandId) {
        String runId = simulator.runsWithTag(RunCommand.runTag(commandId)).get(0).id();
        return simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith("/runs/" + runId)).count();
    }

    @Test
    void runs_refreshed_in_bulk_get_exactly_the_events_of_runs_polled_one_by_one() {
        // Alone: one run per scenario, three in all, below the threshold (8), so each is polled by its own GETs;
        // sent together so that their phases overlap.
        SCENARIOS.forEach(s -> send("single-" + s, "bulk-" + s + "-app"));
        Map<String, List<String>> single = SCENARIOS.stream().collect(Collectors.toMap(s -> s,
                s -> story(topics.awaitTerminalEvent("single-" + s, DEADLINE))));
        long singleCalls = SCENARIOS.stream().mapToLong(s -> statusCalls("single-" + s)).sum();
        long listsBefore = lists();

        // Together: 10 runs per scenario, above the threshold, refreshed in bulk.
        List<String> ids = IntStream.range(0, 10).boxed()
                .flatMap(i -> SCENARIOS.stream().map(s -> "many-" + s + "-" + i)).toList();
        ids.forEach(id -> send(id, "bulk-" + id.split("-")[1] + "-app"));

        for (String id : ids) {
            String scenario = id.split("-")[1];
            assertThat(story(topics.awaitTerminalEvent(id, DEADLINE))).as(id).isEqualTo(single.get(scenario));
        }
        assertThat(lists()).isGreaterThan(listsBefore);
        double bulkCallsPerRun = ids.stream().mapToLong(this::statusCalls).average().orElseThrow();
        assertThat(bulkCallsPerRun).isLessThan(singleCalls / (double) SCENARIOS.size());
    }

    private long lists() {
        return simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().endsWith("/v2/apps/runs")
                        && r.query().contains("app_name=bulk-"))
                .count();
    }

    @Test
    void a_bulk_refresh_pages_past_pages_shorter_than_the_limit() {
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("bulk-capped")
                .then(FaultAction.pageCap(4)));
        List<String> ids = IntStream.range(0, 12).mapToObj(i -> "capped-" + i).toList();

        ids.forEach(id -> send(id, "bulk-capped-app"));
        ids.forEach(id -> assertThat(topics.awaitTerminalEvent(id, DEADLINE)).last()
                .extracting(CloudEventRecord::type).isEqualTo("aihub.run.completed"));

        // A listing that stopped at its first short page would never ask for offset 4.
        assertThat(simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.query().contains("app_name=bulk-capped-app"))
                .map(RecordedRequest::query)).anySatisfy(q -> assertThat(q).contains("limit=1000", "offset=4"));
    }

    @Test
    void runs_listed_by_passes_slower_than_the_interval_get_no_status_calls_of_their_own_and_unlisted_runs_still_do() {
        // Each listing of these apps outlasts two bulk intervals (300 ms), as a pass over 100,000 runs outlasts 15 s,
        // and stays within the request timeout (1 s; a listing that fails counts for nothing): a pass takes 1.4 s. The
        // listings never show the runs of the second app.
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("bulk-slow")
                .then(FaultAction.latency(Duration.ofMillis(700))));
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("bulk-slow-unlisted")
                .then(FaultAction.listingLag(Duration.ofMinutes(5))));
        List<String> listed = IntStream.range(0, 10).mapToObj(i -> "slow-listing-" + i).toList();
        List<String> unlisted = IntStream.range(0, 3).mapToObj(i -> "unlisted-" + i).toList();
        simulator.phaseDuration(Duration.ofSeconds(8));
        try {
            listed.forEach(id -> send(id, "bulk-slow-app"));
            unlisted.forEach(id -> send(id, "bulk-slow-unlisted-app"));
            Stream.concat(listed.stream(), unlisted.stream()).forEach(id -> assertThat(
                    story(topics.awaitTerminalEvent(id, DEADLINE))).as(id)
                    .containsExactly("aihub.run.submitted RUNNING <- ", "aihub.run.completed COMPLETE <- RUNNING"));
        } finally {
            simulator.phaseDuration(Duration.parse(FlowProfile.PHASE));
        }

        // Polled one by one between passes, each run would get a GET every 150-500 ms of its 8-s phase; at most the
        // one before the first (slow) listing answers.
        assertThat(listed).allSatisfy(id -> assertThat(statusCalls(id)).as(id).isLessThanOrEqualTo(1));
        // A run no listing shows gets a GET within three intervals of the last (about every second, not every 4.2 s
        // as it would if the slow passes covered it too).
        assertThat(unlisted).allSatisfy(id -> assertThat(statusCalls(id)).as(id).isGreaterThanOrEqualTo(4));
    }

    @Test
    void a_story_names_each_status_and_the_one_before_it() {
        send("story-check", "bulk-story-app");
        List<String> story = story(topics.awaitTerminalEvent("story-check", DEADLINE));
        assertThat(story).first().asString().startsWith("aihub.run.submitted RUNNING");
        assertThat(story).last().asString().startsWith("aihub.run.completed COMPLETE <- RUNNING");
    }
}
