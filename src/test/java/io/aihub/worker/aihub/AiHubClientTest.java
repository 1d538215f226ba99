package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.simulator.FaultAction;
import io.aihub.simulator.FaultOperation;
import io.aihub.simulator.FaultRule;
import io.aihub.simulator.RecordedRequest;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The REST client against the simulator: every operation, its headers, bodies, errors and paging. */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class AiHubClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CONTEXT = "sim-org";

    @Inject
    AiHubClient client;

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    ObjectMapper mapper;

    private ObjectNode body(String json) throws Exception {
        return (ObjectNode) mapper.readTree(json);
    }

    @Test
    void run_app_returns_a_running_run_with_nanosecond_start_and_no_finish() throws Exception {
        long before = Instant.now().toEpochMilli() * 1_000_000L;

        Run run = client
                .runApp(CONTEXT, body("""
                        {"app_name": "client-app", "batch_id": 7, "settings": {"tags": ["aihub-run-worker:client-1"]}}"""),
                        SubmitGate.always())
                .await().atMost(WAIT);

        assertThat(run.id()).isNotBlank();
        assertThat(run.knownStatus()).isEqualTo(RunStatus.RUNNING);
        assertThat(run.startTimestamp()).isBetween(before - 1_000_000_000L, before + 60_000_000_000L);
        assertThat(run.finishedAt()).isEmpty();
        assertThat(run.batchId()).isEqualTo(7L);
        assertThat(run.tags()).containsExactly("aihub-run-worker:client-1");
        assertThat(simulator.runsCreatedWithTag("aihub-run-worker:client-1")).isEqualTo(1);
    }

    @Test
    void a_submission_answered_with_a_body_that_is_not_json_fails_with_an_unknown_outcome_and_quotes_nothing()
            throws Exception {
        simulator.faults().add(FaultRule.on(FaultOperation.SUBMIT).nameContains("client-garbled").times(1)
                .then(FaultAction.malformedBody()));

        Throwable failure = catchThrowable(() -> client
                .runApp(CONTEXT, body("""
                        {"app_name": "client-garbled", "batch_id": 3, "settings": {"tags": ["aihub-run-worker:garbled-1"]}}"""),
                        SubmitGate.always())
                .await().atMost(WAIT));

        assertThat(failure).isInstanceOf(AiHubProtocolException.class)
                .hasMessage("AI Hub answered with a body that is not a run (JsonMappingException)");
        assertThat(FailureClassifier.classify(failure)).isEqualTo(FailureClassifier.Kind.UNKNOWN_OUTCOME);
        // The run was created all the same: what reconciliation will find by its tag.
        assertThat(simulator.runsCreatedWithTag("aihub-run-worker:garbled-1")).isEqualTo(1);
    }

    @Test
    void run_deployment_is_accepted_and_names_the_deployment() throws Exception {
        Run run = client
                .runDeployment(CONTEXT, "client-dep", body("{\"input_dir\": \"/sim-org/ws/fs/d/in/\"}"), SubmitGate.always())
                .await().atMost(WAIT);

        assertThat(run.deploymentId()).isEqualTo("client-dep");
        assertThat(run.inputDir()).isEqualTo("/sim-org/ws/fs/d/in/");
    }

    @Test
    void a_submission_reports_the_status_ai_hub_answered_with() throws Exception {
        SubmitAnswer app = client
                .submitApp(CONTEXT, body("{\"app_name\": \"client-status\", \"batch_id\": 1}"), SubmitGate.always())
                .await().atMost(WAIT);
        SubmitAnswer deployment = client
                .submitDeployment(CONTEXT, "client-status-dep", body("{\"batch_id\": 1}"), SubmitGate.always())
                .await().atMost(WAIT);

        assertThat(app.httpStatus()).isEqualTo(200);
        assertThat(deployment.httpStatus()).isEqualTo(202);
        assertThat(deployment.run().deploymentId()).isEqualTo("client-status-dep");
    }

    @Test
    void delete_run_sends_every_delete_flag_and_reads_the_jobs_it_started() throws Exception {
        Run run = client.runApp(CONTEXT, body("{\"app_name\": \"client-delete\", \"batch_id\": 1}"), SubmitGate.always())
                .await()
                .atMost(WAIT);

        DeletedRun deleted = client.deleteRun(CONTEXT, run.id(), DeleteOptions.RUN_ONLY).await().atMost(WAIT);

        RecordedRequest request = simulator.requests().stream().filter(r -> r.method().equals("DELETE")
                && r.path().endsWith(run.id())).findFirst().orElseThrow();
        assertThat(request.query().split("&")).containsExactlyInAnyOrder("delete_input=false", "delete_output=true",
                "delete_logs=true", "delete_db_data=true");
        assertThat(deleted.inputJob()).as("the input and its batch are kept").isEmpty();
        assertThat(deleted.outputJob()).isPresent();
        assertThat(deleted.logJob()).isPresent();
        assertThat(FailureClassifier.httpStatus(catchThrowable(() -> client.getRun(CONTEXT, run.id()).await()
                .atMost(WAIT)))).isEqualTo(404);
    }

    @Test
    void the_outage_probe_without_a_default_context_sends_no_context_header_at_all() {
        client.probe(Optional.empty()).await().atMost(WAIT);
        client.probe(Optional.of(CONTEXT)).await().atMost(WAIT);

        List<RecordedRequest> probes = simulator.requests().stream()
                .filter(r -> r.path().equals("/api/v2/apps/runs") && r.query().contains("limit=1&")).toList();
        assertThat(probes).extracting(RecordedRequest::ibContext).containsExactly(Optional.empty(),
                Optional.of(CONTEXT));
        assertThat(probes).extracting(RecordedRequest::status).containsOnly(200);
    }

    @Test
    void a_request_the_api_rejects_fails_with_its_status_and_message() throws Exception {
        Throwable failure = catchThrowable(() -> client.runApp(CONTEXT,
                body("{\"app_name\": \"a\", \"app_id\": \"b\", \"batch_id\": 1}"), SubmitGate.always()).await().atMost(WAIT));

        assertThat(FailureClassifier.unwrap(failure)).isInstanceOfSatisfying(AiHubHttpException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.serviceMessage()).isNotBlank();
            assertThat(e.getMessage()).isEqualTo("AI Hub answered HTTP 400");
        });
        assertThat(FailureClassifier.classify(failure)).isEqualTo(FailureClassifier.Kind.PERMANENT);
    }

    @Test
    void a_context_the_token_may_not_use_is_a_permanent_401() throws Exception {
        Throwable failure = catchThrowable(() -> client.runApp("other-org",
                body("{\"app_name\": \"a\", \"input_dir\": \"/other-org/ws/fs/d/\"}"), SubmitGate.always()).await()
                .atMost(WAIT));

        assertThat(FailureClassifier.httpStatus(failure)).isEqualTo(401);
        assertThat(FailureClassifier.classify(failure)).isEqualTo(FailureClassifier.Kind.PERMANENT);
    }

    @Test
    void the_status_of_an_unknown_run_is_a_404() {
        Throwable failure = catchThrowable(() -> client.getRun(CONTEXT, "no-such-run").await().atMost(WAIT));

        assertThat(FailureClassifier.httpStatus(failure)).isEqualTo(404);
    }

    @Test
    void a_status_the_client_does_not_know_is_kept_as_sent_and_is_not_terminal() throws Exception {
        Run run = client
                .runApp(CONTEXT, body("{\"app_name\": \"client-unknown-status\", \"batch_id\": 1}"), SubmitGate.always())
                .await().atMost(WAIT);

        Run later = await().atMost(WAIT).until(() -> client.getRun(CONTEXT, run.id()).await().atMost(WAIT),
                r -> !"RUNNING".equals(r.status()));

        assertThat(later.status()).isEqualTo("WEIRD_NEW_STATUS");
        assertThat(later.knownStatus()).isEqualTo(RunStatus.UNKNOWN);
        assertThat(later.knownStatus().terminal()).isFalse();
    }

    @Test
    void a_zero_finish_timestamp_reads_as_not_finished() throws Exception {
        Run run = client.runApp(CONTEXT, body("{\"app_name\": \"client-zero-finish\", \"batch_id\": 1}"), SubmitGate.always())
                .await().atMost(WAIT);

        Run polled = client.getRun(CONTEXT, run.id()).await().atMost(WAIT);

        assertThat(polled.finishTimestamp()).isEqualTo(0L);
        assertThat(polled.finishedAt()).isEmpty();
    }

    @Test
    void results_are_read_page_by_page_until_has_more_is_false() throws Exception {
        Run run = client.runApp(CONTEXT, body("{\"app_name\": \"client-results\", \"batch_id\": 1}"), SubmitGate.always())
                .await().atMost(WAIT);
        await().atMost(WAIT).until(() -> client.getRun(CONTEXT, run.id()).await().atMost(WAIT).knownStatus(),
                RunStatus.COMPLETE::equals);
        long before = simulator.countRequests("GET", "/api/v2/apps/runs/" + run.id() + "/results");

        List<ResultsPage> pages = client.results(CONTEXT, run.id(), ResultsOptions.DEFAULT)
                .collect().asList().await().atMost(WAIT);

        assertThat(pages).hasSize(3);
        assertThat(pages).extracting(ResultsPage::hasMore).containsExactly(true, true, false);
        assertThat(pages).extracting(ResultsPage::batchId).containsOnly("1");
        assertThat(pages.stream().flatMap(p -> p.filesOrEmpty().stream()).map(ResultsPage.ResultFile::originalFileName))
                .hasSize(5).doesNotHaveDuplicates();
        assertThat(simulator.countRequests("GET", "/api/v2/apps/runs/" + run.id() + "/results") - before)
                .isEqualTo(3);
    }

    @Test
    void list_runs_pages_through_every_run_of_a_busy_app_to_find_a_tag() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            ids.add(client.runApp(CONTEXT, body("{\"app_name\": \"busy-app\", \"batch_id\": 1, \"settings\":"
                    + " {\"tags\": [\"aihub-run-worker:busy-" + i + "\"]}}"), SubmitGate.always()).await().atMost(WAIT).id());
        }
        long now = Instant.now().getEpochSecond();
        ListRunsQuery query = ListRunsQuery.window(now - 300, now + 300, 100).withAppName("busy-app");

        for (int i : new int[] { 0, 99, 100, 150, 229 }) {
            String tag = "aihub-run-worker:busy-" + i;
            Run found = client.listRuns(CONTEXT, query).select().where(r -> r.hasTag(tag)).toUni().await().atMost(WAIT);
            assertThat(found).as(tag).isNotNull();
            assertThat(found.id()).isEqualTo(ids.get(i));
        }
    }

    @Test
    void list_runs_finds_a_run_by_app_name_within_a_window_and_its_tag_matches() throws Exception {
        Run run = client
                .runApp(CONTEXT, body("""
                        {"app_name": "client-list", "batch_id": 1, "settings": {"tags": ["aihub-run-worker:list-1"]}}"""),
                        SubmitGate.always())
                .await().atMost(WAIT);
        long now = Instant.now().getEpochSecond();

        List<Run> runs = client.listRuns(CONTEXT, ListRunsQuery.window(now - 60, now + 60, 2).withAppName("client-list"))
                .collect().asList().await().atMost(WAIT);

        assertThat(runs).filteredOn(r -> r.hasTag("aihub-run-worker:list-1")).extracting(Run::id)
                .containsExactly(run.id());
        RecordedRequest listed = simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().equals("/api/v2/apps/runs")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(listed.query()).contains("from_timestamp=" + (now - 60), "to_timestamp=" + (now + 60),
                "sort_by=start_timestamp", "order=ASCENDING", "app_name=client-list", "limit=2");
    }

    @Test
    void a_newest_first_listing_ends_while_new_runs_keep_starting_and_lists_every_run_there_was() throws Exception {
        Set<String> before = new HashSet<>();
        for (int i = 0; i < 250; i++) {
            before.add(client.runApp(CONTEXT, body("{\"app_name\": \"growing-app\", \"batch_id\": 1}"),
                    SubmitGate.always()).await().atMost(WAIT).id());
        }
        long now = Instant.now().getEpochSecond();
        ListRunsQuery query = ListRunsQuery.window(now - 300, now + 300, 100).withAppName("growing-app").newestFirst();
        AtomicBoolean listing = new AtomicBoolean(true);
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            // Runs keep starting during the whole listing, as under a steady stream of commands.
            Future<Integer> started = starter.submit(() -> {
                int n = 0;
                while (listing.get()) {
                    client.runApp(CONTEXT, body("{\"app_name\": \"growing-app\", \"batch_id\": 2}"), SubmitGate.always())
                            .await().atMost(WAIT);
                    n++;
                    TimeUnit.MILLISECONDS.sleep(10); // about 100 a second, a page's worth every second

                }
                return n;
            });

            List<Run> runs = client.listRuns(CONTEXT, query).collect().asList().await().atMost(WAIT);
            listing.set(false);

            assertThat(runs).extracting(Run::id).containsAll(before);
            assertThat(started.get(10, TimeUnit.SECONDS)).as("runs started during the listing").isPositive();
            assertThat(simulator.requests()).filteredOn(r -> r.method().equals("GET")
                    && r.query().contains("app_name=growing-app")).allSatisfy(r -> assertThat(r.query())
                            .contains("sort_by=start_timestamp", "order=DESCENDING"));
        } finally {
            listing.set(false);
            starter.shutdownNow();
        }
    }

    @Test
    void list_runs_pages_past_pages_shorter_than_the_limit_until_an_empty_page() throws Exception {
        for (int i = 0; i < 45; i++) {
            client.runApp(CONTEXT, body("{\"app_name\": \"short-pages-app\", \"batch_id\": 1, \"settings\":"
                    + " {\"tags\": [\"aihub-run-worker:short-" + i + "\"]}}"), SubmitGate.always()).await().atMost(WAIT);
        }
        simulator.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("short-pages-app")
                .then(FaultAction.pageCap(20)));
        long now = Instant.now().getEpochSecond();
        ListRunsQuery query = ListRunsQuery.window(now - 300, now + 300, 100).withAppName("short-pages-app");

        List<Run> runs = client.listRuns(CONTEXT, query).collect().asList().await().atMost(WAIT);

        assertThat(runs).hasSize(45).extracting(Run::id).doesNotHaveDuplicates();
        assertThat(simulator.requests().stream()
                .filter(r -> r.method().equals("GET") && r.query().contains("app_name=short-pages-app"))
                .map(r -> r.query().replaceAll(".*offset=(\\d+).*", "$1")))
                .containsExactly("0", "20", "40", "45");
    }

    @Test
    void typed_results_read_the_message_a_string_batch_id_and_the_confidence_object() throws Exception {
        Run run = client
                .runApp(CONTEXT, body("{\"app_name\": \"client-typed-results\", \"batch_id\": 31}"), SubmitGate.always())
                .await().atMost(WAIT);
        await().atMost(WAIT).until(() -> client.getRun(CONTEXT, run.id()).await().atMost(WAIT).knownStatus(),
                RunStatus.COMPLETE::equals);

        ResultsPage page = client.results(CONTEXT, run.id(), new ResultsOptions(false, true, false, false))
                .collect().first().await().atMost(WAIT);

        assertThat(page.batchId()).isEqualTo("31");
        assertThat(page.message()).isNull();
        ResultsPage.ResultField field = page.filesOrEmpty().get(0).documents().get(0).fields().get(0);
        assertThat(field.confidence()).isEqualTo(new ResultsPage.Confidence(0.97, 0.99));
        assertThat(field.errorMsg()).isEmpty();
    }
}
