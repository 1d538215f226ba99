package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

class AdminRoutesTest {
    private static final String ADMIN_TOKEN = "admin-secret";
    private static final String TAG = "aihub-run-worker:cmd-1";
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.perClass(b -> b.adminToken(ADMIN_TOKEN));

    @Test
    void admin_routes_refuse_requests_without_the_admin_token() throws Exception {
        SimulatorFixture.Reply none = sim.send(HttpRequest.newBuilder(sim.uri("/_sim/requests/summary")).build());
        SimulatorFixture.Reply wrong = sendAdmin(admin("/_sim/requests/summary", "admin-secreT").GET());
        SimulatorFixture.Reply apiToken = sim.send(sim.request("/_sim/runs/by-tag/x").GET().build());
        SimulatorFixture.Reply faults = sim.send(HttpRequest.newBuilder(sim.uri("/_sim/faults")).DELETE().build());

        assertEquals(401, none.status());
        assertEquals("missing or invalid X-Sim-Admin-Token", none.message());
        assertEquals(401, wrong.status());
        assertEquals(401, apiToken.status());
        assertEquals(401, faults.status());
    }

    @Test
    void summary_counts_requests_by_route_runs_and_duplicated_command_tags() throws Exception {
        String id = sim.runApp("a", "team", TAG).get("id").asText();
        sim.runApp("a", "team", TAG);
        sim.runApp("a", "team", "aihub-run-worker:cmd-2");
        sim.get("/api/v2/apps/runs/" + id);

        JsonNode summary = sendAdmin(admin("/_sim/requests/summary", ADMIN_TOKEN).GET()).json();

        assertEquals(4, summary.get("total_requests").longValue());
        assertEquals(3, summary.get("requests").get("POST /api/v2/apps/runs").longValue());
        assertEquals(1, summary.get("requests").get("GET /api/v2/apps/runs/{run_id}").longValue());
        assertEquals(2, summary.get("requests").size());
        assertEquals(3, summary.get("runs_created").longValue());
        assertEquals("{\"" + TAG + "\":2}", summary.get("duplicates").toString());
        assertEquals(1, summary.get("duplicate_count").intValue());
    }

    @Test
    void runs_by_tag_lists_the_runs_and_how_many_were_created() throws Exception {
        String first = sim.runApp("a", TAG).get("id").asText();
        String second = sim.runApp("a", TAG).get("id").asText();
        sim.runApp("a", "aihub-run-worker:other");

        JsonNode byTag = sendAdmin(admin("/_sim/runs/by-tag/" + TAG, ADMIN_TOKEN).GET()).json();

        assertEquals(TAG, byTag.get("tag").asText());
        assertEquals(2, byTag.get("runs_created").longValue());
        assertEquals(List.of(first, second).stream().sorted().toList(),
                List.of(byTag.get("runs").get(0).get("id").asText(), byTag.get("runs").get(1).get("id").asText())
                        .stream().sorted().toList());
    }

    @Test
    void faults_can_be_set_and_cleared_over_http() throws Exception {
        SimulatorFixture.Reply added = sendAdmin(admin("/_sim/faults", ADMIN_TOKEN).POST(HttpRequest.BodyPublishers
                .ofString("[{\"operation\": \"SUBMIT\", \"times\": 1, \"action\": \"error\", \"status\": 429, "
                        + "\"message\": \"slow down\", \"retry_after_seconds\": 2}, "
                        + "{\"operation\": \"status\", \"action\": \"latency\", \"latency_ms\": 1}]")));
        SimulatorFixture.Reply limited = sim.post("/api/v2/apps/runs", SimulatorFixture.appBody("a"));
        SimulatorFixture.Reply cleared = sendAdmin(admin("/_sim/faults", ADMIN_TOKEN).DELETE());

        assertEquals(201, added.status());
        assertEquals(2, added.json().get("active_rules").intValue());
        assertEquals(429, limited.status());
        assertEquals("2", limited.response().headers().firstValue("Retry-After").orElseThrow());
        assertEquals(204, cleared.status());
        assertEquals(List.of(), sim.server.faults().rules());
    }

    @Test
    void invalid_fault_rule_is_refused_and_nothing_is_added() throws Exception {
        SimulatorFixture.Reply reply = sendAdmin(admin("/_sim/faults", ADMIN_TOKEN).POST(HttpRequest.BodyPublishers
                .ofString("[{\"action\": \"reset\"}, {\"action\": \"explode\"}]")));

        assertEquals(400, reply.status());
        assertEquals("action must be latency, slow_response, error, error_after_success, not_found, reset, "
                + "drop_response, malformed_body, listing_lag, page_cap or omit_tags", reply.message());
        assertEquals(List.of(), sim.server.faults().rules());
    }

    @Test
    void an_error_after_the_run_was_created_and_a_list_runs_outage_can_be_posted_as_json() throws Exception {
        SimulatorFixture.Reply added = postFaults("[{\"operation\": \"SUBMIT\", \"times\": 1, "
                + "\"action\": \"error_after_success\", \"status\": 503, \"message\": \"busy\", "
                + "\"retry_after_seconds\": 4}, {\"operation\": \"LIST\", \"duration_ms\": 30000, "
                + "\"action\": \"error\", \"status\": 502, \"message\": \"bad gateway\"}]");

        SimulatorFixture.Reply submitted = sim.post("/api/v2/apps/runs", SimulatorFixture.appBody("a", TAG));
        SimulatorFixture.Reply listedDuring = sim.get("/api/v2/apps/runs");
        sim.clock().advance(Duration.ofSeconds(30));
        SimulatorFixture.Reply listedAfter = sim.get("/api/v2/apps/runs");

        assertEquals(201, added.status(), added.body());
        assertEquals(503, submitted.status());
        assertEquals("4", submitted.response().headers().firstValue("Retry-After").orElseThrow());
        assertEquals(1, sim.server.runsCreatedWithTag(TAG));
        assertEquals(502, listedDuring.status());
        assertEquals(200, listedAfter.status());
        assertEquals(1, listedAfter.json().get("runs").size());
    }

    @Test
    void a_listing_lag_a_page_cap_and_tags_left_out_can_be_posted_as_json() throws Exception {
        SimulatorFixture.Reply added = postFaults("[{\"operation\": \"LIST\", \"action\": \"listing_lag\", "
                + "\"lag_ms\": 8000}, {\"operation\": \"LIST\", \"action\": \"page_cap\", \"max_runs\": 2}, "
                + "{\"operation\": \"LIST\", \"action\": \"omit_tags\"}]");
        for (int i = 0; i < 3; i++) {
            sim.runApp("json-app", TAG);
        }

        int hidden = sim.get("/api/v2/apps/runs?app_name=json-app").json().get("runs").size();
        sim.clock().advance(Duration.ofSeconds(8));
        JsonNode capped = sim.get("/api/v2/apps/runs?app_name=json-app&limit=5").json().get("runs");

        assertEquals(201, added.status(), added.body());
        assertEquals(0, hidden);
        assertEquals(2, capped.size());
        assertFalse(capped.get(0).has("tags"));
    }

    @ParameterizedTest(name = "{0} is a 400")
    @CsvSource(delimiter = '|', value = {
            "{\"action\": \"page_cap\", \"max_runs\": 0} | page_cap needs a positive max_runs",
            "{\"action\": \"listing_lag\"} | listing_lag needs a positive lag_ms",
            "{\"operation\": \"SUBMIT\", \"action\": \"page_cap\", \"max_runs\": 5} | "
                    + "PageCap[maxRuns=5] changes List runs answers; use on(LIST) or on(ANY)",
            "{\"action\": \"error_after_success\", \"status\": 200} | status must be 4xx or 5xx",
            "{\"action\": \"reset\", \"duration_ms\": 0} | duration_ms must be at least 1",
            "{\"action\": \"reset\", \"probability\": 0} | probability must be a number above 0 and at most 1",
            "{\"action\": \"reset\", \"probability\": \"half\"} | probability must be a number above 0 and at most 1"
    })
    void a_fault_rule_that_cannot_act_is_refused(String rule, String message) throws Exception {
        SimulatorFixture.Reply reply = postFaults(rule);

        assertEquals(400, reply.status());
        assertEquals(message, reply.message());
        assertEquals(List.of(), sim.server.faults().rules());
    }

    @Test
    void observed_runs_say_when_a_worker_last_learnt_each_tagged_runs_status_by_a_call_or_a_listing() throws Exception {
        long before = System.currentTimeMillis();
        String polled = sim.runApp("a", TAG).get("id").asText();
        sim.runApp("b", "aihub-run-worker:cmd-2");
        sim.runApp("c", "aihub-run-worker:cmd-3");
        sim.runApp("a");
        Thread.sleep(20); // the calls below must be told apart from the creations by the wall clock reported
        long beforeCalls = System.currentTimeMillis();
        sim.get("/api/v2/apps/runs/" + polled);
        sim.get("/api/v2/apps/runs?app_name=b");
        long after = System.currentTimeMillis();

        List<String> lines = sendAdmin(admin("/_sim/runs/observed", ADMIN_TOKEN).GET()).body().lines().toList();

        assertEquals("command_id,run_id,status,last_seen_epoch_millis", lines.get(0));
        assertEquals(4, lines.size(), lines.toString()); // the untagged run is not listed
        assertEquals(polled, line(lines, "cmd-1")[1]);
        long polledAt = Long.parseLong(line(lines, "cmd-1")[3]);
        long listedAt = Long.parseLong(line(lines, "cmd-2")[3]);
        long createdAt = Long.parseLong(line(lines, "cmd-3")[3]);
        assertTrue(polledAt >= beforeCalls && polledAt <= after, "status call at " + polledAt);
        assertTrue(listedAt >= beforeCalls && listedAt <= after, "listing at " + listedAt);
        assertTrue(createdAt >= before && createdAt < beforeCalls, "creation at " + createdAt);
    }

    private static String[] line(List<String> csv, String commandId) {
        return csv.stream().filter(l -> l.startsWith(commandId + ",")).findFirst().orElseThrow().split(",");
    }

    @Test
    void admin_requests_are_not_recorded_as_api_traffic() throws Exception {
        sendAdmin(admin("/_sim/requests/summary", ADMIN_TOKEN).GET());

        assertEquals(0, sim.server.totalRequests());
    }

    @Test
    void admin_routes_do_not_exist_without_an_admin_token() throws Exception {
        try (SimulatorFixture closed = SimulatorFixture.start(b -> b)) {
            SimulatorFixture.Reply reply = closed.send(HttpRequest.newBuilder(closed.uri("/_sim/requests/summary"))
                    .header("X-Sim-Admin-Token", ADMIN_TOKEN).build());

            assertEquals(404, reply.status());
        }
    }

    private static SimulatorFixture.Reply postFaults(String json) throws Exception {
        return sendAdmin(admin("/_sim/faults", ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static HttpRequest.Builder admin(String path, String token) {
        return HttpRequest.newBuilder(sim.uri(path)).header("X-Sim-Admin-Token", token);
    }

    private static SimulatorFixture.Reply sendAdmin(HttpRequest.Builder request) throws Exception {
        return sim.send(request.build());
    }
}
