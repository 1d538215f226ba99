package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RecordingTest {
    private static final String TAG = "aihub-run-worker:cmd-1";
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.perClass(b -> b);

    @Test
    void every_request_is_recorded_with_its_route_status_and_command_tag() throws Exception {
        Instant before = Instant.now();
        String id = sim.runApp("invoices", "team-a", TAG).get("id").asText();
        sim.get("/api/v2/apps/runs/" + id);
        sim.get("/api/v2/apps/runs?limit=5&status=RUNNING");

        List<RecordedRequest> requests = sim.server.requests();

        assertEquals(3, requests.size());
        RecordedRequest submit = requests.get(0);
        assertEquals("POST", submit.method());
        assertEquals("/api/v2/apps/runs", submit.path());
        assertEquals("", submit.query());
        assertEquals("POST /api/v2/apps/runs", submit.route());
        assertEquals(200, submit.status());
        assertEquals(Optional.of(TAG), submit.commandTag());
        assertFalse(submit.time().isBefore(before));
        assertEquals("GET /api/v2/apps/runs/{run_id}", requests.get(1).route());
        assertEquals("/api/v2/apps/runs/" + id, requests.get(1).path());
        assertEquals(Optional.empty(), requests.get(1).commandTag());
        assertEquals("limit=5&status=RUNNING", requests.get(2).query());
        assertEquals("GET /api/v2/apps/runs", requests.get(2).route());
    }

    @Test
    void the_context_header_is_recorded_as_sent_and_as_absent_when_missing() throws Exception {
        sim.get("/api/v2/apps/runs");
        sim.send(HttpRequest.newBuilder(sim.uri("/api/v2/apps/runs"))
                .header("Authorization", "Bearer " + SimulatorFixture.TOKEN).GET().build());
        sim.send(sim.request("/api/v2/apps/runs").setHeader("IB-Context", "").GET().build());

        List<RecordedRequest> requests = sim.server.requests();

        assertEquals(Optional.of(SimulatorFixture.CONTEXT), requests.get(0).ibContext());
        assertEquals(Optional.empty(), requests.get(1).ibContext());
        assertEquals(Optional.of(""), requests.get(2).ibContext());
        assertEquals(List.of(200, 200, 200), requests.stream().map(RecordedRequest::status).toList());
    }

    @Test
    void refused_requests_are_recorded_but_the_token_never() throws Exception {
        sim.send(HttpRequest.newBuilder(sim.uri("/api/v2/apps/runs"))
                .header("Authorization", "Bearer some-wrong-token").header("IB-Context", "org-1")
                .POST(HttpRequest.BodyPublishers.ofString(SimulatorFixture.appBody("a", TAG))).build());
        sim.post("/api/v2/apps/runs", "{\"app_name\": \"a\", \"batch_id\": \"x\", \"settings\": {\"tags\": [\""
                + TAG + "\"]}}");

        List<RecordedRequest> requests = sim.server.requests();

        assertEquals(401, requests.get(0).status());
        assertEquals(400, requests.get(1).status());
        assertEquals(Optional.of(TAG), requests.get(1).commandTag());
        assertFalse(requests.toString().contains("some-wrong-token"));
        assertFalse(requests.toString().contains(SimulatorFixture.TOKEN));
        assertEquals(0, sim.server.runsCreatedWithTag(TAG));
    }

    @Test
    void runs_created_with_tag_counts_every_submission_that_started_a_run() throws Exception {
        String first = sim.runApp("invoices", TAG).get("id").asText();
        sim.runApp("invoices", TAG);
        sim.runApp("invoices", "aihub-run-worker:cmd-2");
        sim.delete("/api/v2/apps/runs/" + first);

        assertEquals(2, sim.server.runsCreatedWithTag(TAG));
        assertEquals(1, sim.server.runsCreatedWithTag("aihub-run-worker:cmd-2"));
        assertEquals(0, sim.server.runsCreatedWithTag("aihub-run-worker:cmd-3"));
        assertEquals(1, sim.server.runsWithTag(TAG).size());
        assertEquals(3, sim.server.runsCreated());
    }

    @Test
    void count_requests_matches_method_and_path_prefix() throws Exception {
        String id = sim.runApp("invoices").get("id").asText();
        sim.runApp("invoices");
        sim.get("/api/v2/apps/runs/" + id);
        sim.get("/api/v2/apps/runs/" + id);
        sim.get("/api/v2/apps/runs/" + id + "/results");

        assertEquals(2, sim.server.countRequests("POST", "/api/v2/apps/runs"));
        assertEquals(3, sim.server.countRequests("GET", "/api/v2/apps/runs/" + id));
        assertEquals(0, sim.server.countRequests("DELETE", "/api/v2/apps/runs"));
    }

    @Test
    void recording_keeps_the_newest_requests_while_counters_stay_exact() throws Exception {
        try (SimulatorFixture small = SimulatorFixture.start(b -> b.maxRecordedRequests(3))) {
            String id = small.runApp("a").get("id").asText();
            for (int i = 0; i < 4; i++) {
                small.get("/api/v2/apps/runs/" + id);
            }

            assertEquals(3, small.server.requests().size());
            assertTrue(small.server.requests().stream().allMatch(r -> r.method().equals("GET")));
            assertEquals(5, small.server.totalRequests());
            assertEquals(Map.of("POST /api/v2/apps/runs", 1L, "GET /api/v2/apps/runs/{run_id}", 4L),
                    small.server.requestCountsByRoute());
        }
    }

    @Test
    void reset_forgets_runs_recordings_counters_and_faults() throws Exception {
        String id = sim.runApp("a", TAG).get("id").asText();
        sim.server.faults().add(FaultRule.on(FaultOperation.ANY).then(FaultAction.error(503, "busy")));

        sim.server.reset();

        assertEquals(List.of(), sim.server.requests());
        assertEquals(0, sim.server.totalRequests());
        assertEquals(0, sim.server.runsCreated());
        assertEquals(0, sim.server.runsCreatedWithTag(TAG));
        assertTrue(sim.server.run(id).isEmpty());
        assertEquals(List.of(), sim.server.faults().rules());
    }

    @Test
    void run_view_shows_what_the_server_knows() throws Exception {
        String id = sim.post("/api/v2/apps/deployments/zero-finish-dep/runs", "{\"batch_id\": 5, "
                + "\"settings\": {\"tags\": [\"" + TAG + "\"]}}").json().get("id").asText();

        SimulatedRunView run = sim.server.run(id).orElseThrow();

        assertEquals("RUNNING", run.status());
        assertEquals(Optional.of("zero-finish-dep"), run.deploymentId());
        assertEquals(Optional.of(5L), run.batchId());
        assertEquals(Optional.of(List.of(TAG)), run.tags());
        assertEquals("org-1", run.context());
        assertEquals(Scenario.DEFAULT, run.scenario());
        assertTrue(run.zeroFinish());
        assertFalse(run.errorFields());
    }
}
