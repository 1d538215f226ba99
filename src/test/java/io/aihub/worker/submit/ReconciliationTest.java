package io.aihub.worker.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

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
 * Reconciliation against an AI Hub that does not make the search easy: List runs pages shorter than the limit asked
 * for, or runs listed without their tags. After an unknown outcome the worker must find the run its lost POST created,
 * or say that a run may exist, and never POST a second one.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class ReconciliationTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    AiHubClient client;

    @Inject
    ObjectMapper mapper;

    private void sendApp(String commandId, String appName) {
        topics.send(commandId, "{\"command_id\": \"" + commandId + "\", \"app_name\": \"" + appName
                + "\", \"batch_id\": 1}");
    }

    private List<RecordedRequest> posts(String commandId) {
        Optional<String> tag = Optional.of(RunCommand.runTag(commandId));
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.commandTag().equals(tag)).toList();
    }

    private List<String> listQueries(String appName) {
        return simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().equals("/api/v2/apps/runs")
                        && r.query().contains("app_name=" + appName))
                .map(RecordedRequest::query).toList();
    }

    @Test
    void a_504_after_the_run_was_created_finds_it_newest_first_on_a_page_capped_below_the_limit() throws Exception {
        // 60 earlier runs of the app; pages hold 20. Newest first, the lost run leads the first page.
        for (int i = 0; i < 60; i++) {
            client.runApp("sim-org", mapper.readTree("{\"app_name\": \"capped-app\", \"batch_id\": " + (i + 1) + "}"),
                    SubmitGate.always())
                    .await().atMost(DEADLINE);
        }
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("capped-app")
                .then(FaultAction.pageCap(20)));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("capped-app").times(1)
                .then(FaultAction.errorAfterSuccess(504, "gateway timeout")));

        sendApp("capped-504", "capped-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("capped-504", DEADLINE);

        assertThat(posts("capped-504")).extracting(RecordedRequest::status).containsExactly(504);
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag("capped-504"))).isEqualTo(1);
        String runId = simulator.runsWithTag(RunCommand.runTag("capped-504")).get(0).id();
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted",
                "aihub.run.completed");
        assertThat(events).extracting(e -> e.data().get("run_id").asText()).containsOnly(runId);
        assertThat(listQueries("capped-app")).singleElement().satisfies(q -> assertThat(q)
                .contains("limit=1000", "offset=0", "order=DESCENDING"));
    }

    @Test
    void a_search_begun_before_the_post_settled_proves_nothing_however_late_it_ends() throws Exception {
        // 60 earlier runs and pages of 20, each page 0.5 s late: a search begun at the 504 reads its first page before
        // List runs shows the new run (1 s lag) and ends after the POST has settled (1 s timeout + 0.3 s). Newest
        // first, the run appears ahead of the pages still to read: that search cannot see it.
        for (int i = 0; i < 60; i++) {
            client.runApp("sim-org", mapper.readTree("{\"app_name\": \"slow-search-app\", \"batch_id\": " + (i + 1)
                    + ", \"settings\": {\"tags\": [\"" + RunCommand.runTag("slow-other-" + i) + "\"]}}"),
                    SubmitGate.always()).await().atMost(DEADLINE);
        }
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("slow-search-app")
                .then(FaultAction.pageCap(20)));
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("slow-search-app")
                .then(FaultAction.listingLag(Duration.ofSeconds(1))));
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("slow-search-app")
                .then(FaultAction.latency(Duration.ofMillis(500))));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("slow-search-app").times(1)
                .then(FaultAction.errorAfterSuccess(504, "gateway timeout")));

        sendApp("slow-search-504", "slow-search-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("slow-search-504", DEADLINE);

        assertThat(posts("slow-search-504")).extracting(RecordedRequest::status).containsExactly(504);
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag("slow-search-504"))).isEqualTo(1);
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted",
                "aihub.run.completed");
        // The first search read all its pages and found nothing; the one begun after the settle time found the run.
        assertThat(listQueries("slow-search-app")).map(q -> q.replaceAll(".*offset=(\\d+).*", "$1"))
                .startsWith("0", "20", "40", "60").endsWith("0");
    }

    @Test
    void a_504_before_the_run_was_created_pages_past_capped_pages_to_an_empty_one_and_then_posts_once()
            throws Exception {
        // 60 earlier runs of the app and pages of 20: "no run" holds only after the empty page at offset 60.
        for (int i = 0; i < 60; i++) {
            client.runApp("sim-org", mapper.readTree("{\"app_name\": \"capped-lost-app\", \"batch_id\": " + (i + 1)
                    + ", \"settings\": {\"tags\": [\"" + RunCommand.runTag("capped-other-" + i) + "\"]}}"),
                    SubmitGate.always()).await().atMost(DEADLINE);
        }
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("capped-lost-app")
                .then(FaultAction.pageCap(20)));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("capped-lost-app").times(1)
                .then(FaultAction.error(504, "gateway timeout")));

        sendApp("capped-lost-504", "capped-lost-app");
        List<CloudEventRecord> events = topics.awaitTerminalEvent("capped-lost-504", DEADLINE);

        assertThat(posts("capped-lost-504")).extracting(RecordedRequest::status).containsExactly(504, 200);
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag("capped-lost-504"))).isEqualTo(1);
        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted",
                "aihub.run.completed");
        // Each search (before and after the settle time) reads the three short pages and the empty one.
        assertThat(listQueries("capped-lost-app")).map(q -> q.replaceAll(".*offset=(\\d+).*", "$1"))
                .containsExactly("0", "20", "40", "60", "0", "20", "40", "60");
    }

    @Test
    void an_unknown_outcome_that_list_runs_cannot_settle_without_tags_ends_outcome_unknown_and_posts_nothing() {
        // An AI Hub that lists runs without tags: the run the 504 hid exists, and no listing can show it is ours.
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("tagless-app")
                .then(FaultAction.omitTags()));
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("tagless-app").times(1)
                .then(FaultAction.errorAfterSuccess(504, "gateway timeout")));

        sendApp("tagless-504", "tagless-app");
        ConsumerRecord<byte[], byte[]> dead = topics.awaitDeadLetter("tagless-504", DEADLINE);
        List<CloudEventRecord> events = topics.awaitTerminalEvent("tagless-504", DEADLINE);

        assertThat(posts("tagless-504")).extracting(RecordedRequest::status).containsExactly(504);
        assertThat(simulator.runsCreatedWithTag(RunCommand.runTag("tagless-504"))).isEqualTo(1);
        assertThat(listQueries("tagless-app")).isNotEmpty();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("aihub.run.submission_failed");
            assertThat(event.data().get("error").get("code").asText()).isEqualTo("OUTCOME_UNKNOWN");
            assertThat(event.data().get("error").get("message").asText()).startsWith("a run may exist:");
        });
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ERROR_CODE)).isEqualTo("OUTCOME_UNKNOWN");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.REASON))
                .isEqualTo("OUTCOME_UNKNOWN: a run may exist; look for it in AI Hub before a replay");
        assertThat(KafkaTopics.header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
    }
}
