package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccessControlTest {
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.perClass(b -> b.allowedContexts(List.of("org-1", "org-2")));

    @Test
    void request_without_token_is_unauthorized() throws Exception {
        SimulatorFixture.Reply reply = sim.send(HttpRequest.newBuilder(sim.uri("/api/v2/apps/runs"))
                .header("IB-Context", "org-1").GET().build());

        assertEquals(401, reply.status());
        assertEquals("missing or invalid API token", reply.message());
    }

    @Test
    void request_with_wrong_token_is_unauthorized_and_the_token_is_not_echoed() throws Exception {
        SimulatorFixture.Reply reply = sim.send(HttpRequest.newBuilder(sim.uri("/api/v2/apps/runs"))
                .header("Authorization", "Bearer wrong-token-value").header("IB-Context", "org-1").GET().build());

        assertEquals(401, reply.status());
        assertEquals("missing or invalid API token", reply.message());
        assertFalse(reply.body().contains("wrong-token-value"));
        assertFalse(reply.body().contains(SimulatorFixture.TOKEN));
    }

    @Test
    void token_under_another_scheme_is_unauthorized() throws Exception {
        SimulatorFixture.Reply reply = sim.send(HttpRequest.newBuilder(sim.uri("/api/v2/apps/runs"))
                .header("Authorization", "Basic " + SimulatorFixture.TOKEN).header("IB-Context", "org-1").GET()
                .build());

        assertEquals(401, reply.status());
    }

    @Test
    void a_request_without_context_runs_in_the_callers_own_context() throws Exception {
        SimulatorFixture.Reply reply = sim.send(HttpRequest.newBuilder(sim.uri("/api/v2/apps/runs"))
                .header("Authorization", "Bearer " + SimulatorFixture.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SimulatorFixture.appBody("app"))).build());

        assertEquals(200, reply.status(), reply.body());
        String id = reply.json().get("id").asText();
        assertEquals(SimulatorFixture.CONTEXT, sim.server.run(id).orElseThrow().context());
        assertEquals(200, sim.get("/api/v2/apps/runs/" + id).status(), "visible under the caller's own context");
    }

    @Test
    void a_context_outside_the_allowed_list_is_unauthorized() throws Exception {
        SimulatorFixture.Reply reply = sim.send(sim.request("/api/v2/apps/runs").setHeader("IB-Context", "org-9")
                .POST(HttpRequest.BodyPublishers.ofString(SimulatorFixture.appBody("app"))).build());

        assertEquals(401, reply.status());
        assertEquals("invalid IB-Context", reply.message());
        assertEquals(0, sim.server.runsCreated());
    }

    @Test
    void folders_are_not_required_to_start_with_the_context() throws Exception {
        // The API document's own deployment example: an org-relative folder without a leading slash.
        SimulatorFixture.Reply app = sim.post("/api/v2/apps/runs",
                "{\"app_name\": \"a\", \"input_dir\": \"acme/ws/fs/drive/in/\", \"output_dir\": \"/org-2/ws/fs/d/out/\"}");
        SimulatorFixture.Reply deployment = sim.post("/api/v2/apps/deployments/dep/runs",
                "{\"batch_id\": 1, \"output_dir\": \"/org-1x/ws/fs/drive/out/\"}");

        assertEquals(200, app.status(), app.body());
        assertEquals("acme/ws/fs/drive/in/", app.json().get("input_dir").asText());
        assertEquals(202, deployment.status(), deployment.body());
    }

    @Test
    void run_of_another_context_is_not_found() throws Exception {
        String id = sim.runApp("app").get("id").asText();

        SimulatorFixture.Reply reply = sim.send(sim.request("/api/v2/apps/runs/" + id).setHeader("IB-Context", "org-2")
                .GET().build());

        assertEquals(404, reply.status());
        assertEquals("run not found", reply.message());
    }

    @Test
    void unknown_run_is_not_found() throws Exception {
        SimulatorFixture.Reply unknown = sim.get("/api/v2/apps/runs/" + UUID.randomUUID());
        SimulatorFixture.Reply malformedId = sim.get("/api/v2/apps/runs/not-a-uuid");

        assertEquals(404, unknown.status());
        assertEquals("run not found", unknown.message());
        assertEquals(404, malformedId.status());
        assertEquals("run not found", malformedId.message());
    }

    @Test
    void apps_and_deployments_named_missing_do_not_exist() throws Exception {
        SimulatorFixture.Reply byName = sim.post("/api/v2/apps/runs", "{\"app_name\": \"missing-app\", \"batch_id\": 1}");
        SimulatorFixture.Reply byId = sim.post("/api/v2/apps/runs", "{\"app_id\": \"missing-id\", \"batch_id\": 1}");
        SimulatorFixture.Reply deployment = sim.post("/api/v2/apps/deployments/missing-dep/runs", "{\"batch_id\": 1}");

        assertEquals(404, byName.status());
        assertEquals("app not found", byName.message());
        assertEquals(404, byId.status());
        assertEquals("app not found", byId.message());
        assertEquals(404, deployment.status());
        assertEquals("deployment not found", deployment.message());
        assertEquals(0, sim.server.runsCreated());
    }

    @Test
    void unknown_endpoint_is_not_found_only_after_authentication() throws Exception {
        SimulatorFixture.Reply authenticated = sim.get("/api/v2/apps/unknown");
        SimulatorFixture.Reply anonymous = sim.send(HttpRequest.newBuilder(sim.uri("/api/v2/apps/unknown")).GET()
                .build());

        assertEquals(404, authenticated.status());
        assertEquals("no such endpoint", authenticated.message());
        assertEquals(401, anonymous.status());
    }
}
