package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

class ListRunsTest {
    private static final Duration PHASE = Duration.ofMinutes(10);
    private static final String LIST = "/api/v2/apps/runs";
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture
            .perClass(b -> b.phaseDuration(PHASE).allowedContexts(List.of("org-1", "org-2")));
    @RegisterExtension
    static final SimulatorFixture strict = SimulatorFixture.perClass(b -> b.strict(true));

    @Test
    void list_without_filters_returns_the_contexts_runs_newest_first() throws Exception {
        List<String> created = createSpacedRuns("a", "b", "c");
        createInOtherContext();

        assertEquals(List.of(created.get(2), created.get(1), created.get(0)), ids(LIST));
    }

    @Test
    void filters_by_app_name_app_id_deployment_and_run_id() throws Exception {
        String byName = sim.runApp("invoices").get("id").asText();
        String byId = sim.post(LIST, "{\"app_id\": \"app-9\", \"batch_id\": 1}").json().get("id").asText();
        String byDeployment = sim.post("/api/v2/apps/deployments/dep-3/runs", "{\"batch_id\": 1}").json()
                .get("id").asText();

        assertEquals(List.of(byName), ids(LIST + "?app_name=invoices"));
        assertEquals(List.of(byId), ids(LIST + "?app_id=app-9"));
        assertEquals(List.of(byDeployment), ids(LIST + "?deployment_id=dep-3"));
        assertEquals(List.of(byId), ids(LIST + "?run_id=" + byId));
        assertEquals(List.of(), ids(LIST + "?app_name=invoices&deployment_id=dep-3"));
    }

    @Test
    void filters_by_repeated_status() throws Exception {
        String done = sim.runApp("invoices").get("id").asText();
        String failed = sim.runApp("fail-app").get("id").asText();
        sim.clock().advance(PHASE.plusSeconds(1));
        String running = sim.runApp("invoices").get("id").asText();

        assertEquals(List.of(running), ids(LIST + "?status=RUNNING"));
        assertEquals(List.of(done, failed).stream().sorted().toList(),
                ids(LIST + "?status=COMPLETE&status=FAILED").stream().sorted().toList());
    }

    @Test
    void filters_by_repeated_output_workspace_given_or_read_from_output_dir() throws Exception {
        String given = sim.post(LIST, "{\"app_name\": \"a\", \"batch_id\": 1, \"output_workspace\": \"ws-a\"}")
                .json().get("id").asText();
        String fromDir = sim.post(LIST, "{\"app_name\": \"a\", \"batch_id\": 1, "
                + "\"output_dir\": \"/org-1/ws-b/fs/drive/out/\"}").json().get("id").asText();
        sim.runApp("a");

        assertEquals(List.of(given), ids(LIST + "?output_workspaces=ws-a"));
        assertEquals(List.of(fromDir), ids(LIST + "?output_workspaces=ws-b"));
        assertEquals(2, ids(LIST + "?output_workspaces=ws-a&output_workspaces=ws-b").size());
    }

    @Test
    void default_window_is_the_last_24_hours_of_start_times() throws Exception {
        sim.clock().advance(Duration.ofHours(-25));
        String old = sim.runApp("invoices").get("id").asText();
        sim.clock().reset();
        String recent = sim.runApp("invoices").get("id").asText();
        long now = Instant.now().getEpochSecond();

        assertEquals(List.of(recent), ids(LIST));
        assertEquals(List.of(recent, old), ids(LIST + "?from_timestamp=" + (now - 26 * 3600)));
        assertEquals(List.of(old),
                ids(LIST + "?from_timestamp=" + (now - 26 * 3600) + "&to_timestamp=" + (now - 24 * 3600)));
    }

    @Test
    void window_bounds_are_inclusive_seconds_of_the_start_time() throws Exception {
        JsonNode run = sim.runApp("invoices");
        long startSeconds = run.get("start_timestamp").longValue() / 1_000_000_000L;
        String id = run.get("id").asText();

        assertEquals(List.of(id), ids(LIST + "?from_timestamp=" + startSeconds + "&to_timestamp=" + startSeconds));
        assertEquals(List.of(), ids(LIST + "?from_timestamp=" + (startSeconds + 1) + "&to_timestamp=" + (startSeconds + 9)));
        assertEquals(List.of(), ids(LIST + "?from_timestamp=0&to_timestamp=" + (startSeconds - 1)));
    }

    @Test
    void sorts_by_start_ascending_or_descending() throws Exception {
        List<String> created = createSpacedRuns("a", "b", "c");

        assertEquals(created, ids(LIST + "?sort_by=start_timestamp&order=ASCENDING"));
        assertEquals(List.of(created.get(2), created.get(1), created.get(0)), ids(LIST + "?order=DESCENDING"));
    }

    @Test
    void sorts_by_status() throws Exception {
        String failed = sim.runApp("fail-app").get("id").asText();
        String done = sim.runApp("invoices").get("id").asText();
        sim.clock().advance(PHASE.plusSeconds(1));
        String running = sim.runApp("forever").get("id").asText();

        assertEquals(List.of(done, failed, running), ids(LIST + "?sort_by=status&order=ASCENDING"));
        assertEquals(List.of(running, failed, done), ids(LIST + "?sort_by=status&order=DESCENDING"));
    }

    @Test
    void limit_and_offset_page_through_a_fixed_window() throws Exception {
        List<String> created = createSpacedRuns("a", "b", "c", "d", "e");
        long to = Instant.now().getEpochSecond() + 3600;
        String page = LIST + "?order=ASCENDING&to_timestamp=" + to + "&limit=2&offset=";

        List<String> seen = new ArrayList<>();
        seen.addAll(ids(page + 0));
        seen.addAll(ids(page + 2));
        List<String> last = ids(page + 4);
        seen.addAll(last);

        assertEquals(1, last.size());
        assertEquals(created, seen);
        assertEquals(List.of(), ids(page + 5));
    }

    @Test
    void default_limit_is_one_hundred() throws Exception {
        for (int i = 0; i < 101; i++) {
            sim.runApp("a");
        }

        assertEquals(100, ids(LIST).size());
        assertEquals(101, ids(LIST + "?limit=1000").size());
    }

    @ParameterizedTest(name = "{0} is a 400: {1}")
    @CsvSource(delimiter = '|', value = {
            "limit=0 | limit must be at least 1",
            "limit=ten | limit must be an integer",
            "offset=-1 | offset must not be negative",
            "from_timestamp=1.5 | from_timestamp must be an integer",
            "from_timestamp=20&to_timestamp=10 | from_timestamp must not be after to_timestamp",
            "sort_by=app_name | sort_by must be start_timestamp or status",
            "order=UP | order must be ASCENDING or DESCENDING"
    })
    void a_query_of_the_wrong_type_or_order_is_refused(String query, String message) throws Exception {
        SimulatorFixture.Reply reply = sim.get(LIST + "?" + query);

        assertEquals(400, reply.status(), reply.body());
        assertEquals(message, reply.message());
    }

    @Test
    void an_unknown_parameter_filters_nothing_so_a_tag_filter_the_api_lacks_lists_every_run() throws Exception {
        List<String> created = List.of(sim.runApp("a", "aihub-run-worker:x").get("id").asText(),
                sim.runApp("a").get("id").asText());

        assertEquals(Set.copyOf(created), Set.copyOf(ids(LIST + "?tags=aihub-run-worker:x")));
        assertEquals(1, ids(LIST + "?limit=1&limit=5").size(), "the first of a repeated value");
    }

    @ParameterizedTest(name = "{0} is a 400 in strict mode")
    @CsvSource(delimiter = '|', value = {
            "tags=x | unknown query parameter: tags",
            "limit=1&limit=2 | limit must be given at most once"
    })
    void a_strict_simulator_refuses_unknown_and_repeated_parameters(String query, String message) throws Exception {
        SimulatorFixture.Reply reply = strict.get(LIST + "?" + query);

        assertEquals(400, reply.status(), reply.body());
        assertEquals(message, reply.message());
    }

    @Test
    void any_status_string_filters_and_a_limit_has_no_maximum() throws Exception {
        for (int i = 0; i < 3; i++) {
            sim.runApp("a");
        }

        assertEquals(List.of(), ids(LIST + "?status=DONE"));
        assertEquals(3, ids(LIST + "?limit=100000").size());
    }

    @Test
    void the_default_window_ends_now() throws Exception {
        sim.clock().advance(Duration.ofMinutes(5));
        String later = sim.runApp("a").get("id").asText();
        sim.clock().reset();
        long now = Instant.now().getEpochSecond();

        assertEquals(List.of(), ids(LIST));
        assertEquals(List.of(later), ids(LIST + "?to_timestamp=" + (now + 600)));
    }

    @Test
    void the_app_id_filter_finds_runs_started_by_name_and_deployment_runs_by_the_app_they_report() throws Exception {
        JsonNode byName = sim.runApp("invoices");
        JsonNode byDeployment = sim.post("/api/v2/apps/deployments/dep-3/runs", "{\"batch_id\": 1}").json();

        assertEquals(List.of(byName.get("id").asText()), ids(LIST + "?app_id=" + byName.get("app_id").asText()));
        assertEquals(List.of(byDeployment.get("id").asText()),
                ids(LIST + "?app_id=" + byDeployment.get("app_id").asText()));
    }

    @Test
    void username_is_accepted_and_ignored() throws Exception {
        String id = sim.runApp("a").get("id").asText();

        assertEquals(List.of(id), ids(LIST + "?username=someone"));
    }

    /** Runs one second apart, the last a second ago: distinct start times make the expected order exact. */
    private static List<String> createSpacedRuns(String... apps) throws Exception {
        List<String> ids = new ArrayList<>();
        sim.clock().advance(Duration.ofSeconds(-apps.length));
        for (String app : apps) {
            ids.add(sim.runApp(app).get("id").asText());
            sim.clock().advance(Duration.ofSeconds(1));
        }
        sim.clock().reset();
        return ids;
    }

    private static void createInOtherContext() throws Exception {
        sim.send(sim.request(LIST).setHeader("IB-Context", "org-2").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"app_name\": \"x\", \"batch_id\": 1}")).build());
    }

    private static List<String> ids(String pathAndQuery) throws Exception {
        SimulatorFixture.Reply reply = sim.get(pathAndQuery);
        assertEquals(200, reply.status(), reply.body());
        List<String> ids = new ArrayList<>();
        reply.json().get("runs").forEach(run -> ids.add(run.get("id").asText()));
        return ids;
    }
}
