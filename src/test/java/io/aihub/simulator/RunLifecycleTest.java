package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

class RunLifecycleTest {
    /** Long phases moved by the test clock: each status is read in the middle of its phase, no waiting. */
    private static final Duration PHASE = Duration.ofMinutes(10);
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.perClass(b -> b.phaseDuration(PHASE));

    @Test
    void run_app_answers_200_with_a_running_run_object() throws Exception {
        long before = nanos(Instant.now());
        SimulatorFixture.Reply reply = sim.post("/api/v2/apps/runs", SimulatorFixture.appBody("invoices", "t1", "t2"));
        long after = nanos(Instant.now());

        assertEquals(200, reply.status());
        JsonNode run = reply.json();
        assertEquals(UUID.fromString(run.get("id").asText()).toString(), run.get("id").asText());
        assertEquals("RUNNING", run.get("status").asText());
        assertTrue(run.get("start_timestamp").isIntegralNumber());
        long start = run.get("start_timestamp").longValue();
        assertTrue(start >= before && start <= after, "start in nanoseconds between " + before + " and " + after);
        assertTrue(run.get("finish_timestamp").isNull());
        assertTrue(run.get("msg").isNull());
        assertEquals(42, run.get("batch_id").longValue());
        assertTrue(run.get("batch_id").isIntegralNumber());
        assertTrue(run.get("input_dir").isNull());
        assertTrue(run.get("deployment_id").isNull());
        assertEquals("[\"t1\",\"t2\"]", run.get("tags").toString());
        assertEquals("DEFAULT", run.get("sim_extra").get("scenario").asText());
        assertEquals(UUID.nameUUIDFromBytes("app:invoices".getBytes()).toString(), run.get("app_id").asText());
    }

    @Test
    void app_id_derived_from_the_name_is_stable_and_names_differ() throws Exception {
        String first = sim.runApp("invoices").get("app_id").asText();
        String again = sim.runApp("invoices").get("app_id").asText();
        String other = sim.runApp("receipts").get("app_id").asText();

        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void run_by_app_id_from_a_folder_reports_the_given_app_id_and_folder() throws Exception {
        JsonNode run = sim.post("/api/v2/apps/runs",
                "{\"app_id\": \"app-123\", \"input_dir\": \"" + SimulatorFixture.INPUT_DIR + "\"}").json();

        assertEquals("app-123", run.get("app_id").asText());
        assertEquals(SimulatorFixture.INPUT_DIR, run.get("input_dir").asText());
        assertTrue(run.get("batch_id").isNull());
        assertTrue(run.get("tags").isNull());
    }

    @Test
    void run_deployment_answers_202_with_the_deployment_and_the_app_it_runs() throws Exception {
        SimulatorFixture.Reply reply = sim.post("/api/v2/apps/deployments/dep-7/runs", "{\"batch_id\": 9}");

        assertEquals(202, reply.status());
        assertEquals("dep-7", reply.json().get("deployment_id").asText());
        assertEquals(UUID.nameUUIDFromBytes("deployment:dep-7".getBytes()).toString(),
                reply.json().get("app_id").asText());
        assertEquals(9, reply.json().get("batch_id").longValue());
        assertEquals("RUNNING", reply.json().get("status").asText());
    }

    @Test
    void status_poll_returns_the_same_run_object() throws Exception {
        JsonNode created = sim.runApp("invoices", "t");

        SimulatorFixture.Reply reply = sim.get("/api/v2/apps/runs/" + created.get("id").asText());

        assertEquals(200, reply.status());
        assertEquals(created, reply.json());
    }

    @Test
    void completed_run_reports_finish_one_phase_after_start() throws Exception {
        JsonNode created = sim.runApp("invoices");
        sim.clock().advance(PHASE.plusSeconds(1));

        JsonNode run = sim.get("/api/v2/apps/runs/" + created.get("id").asText()).json();

        assertEquals("COMPLETE", run.get("status").asText());
        assertEquals(created.get("start_timestamp").longValue() + PHASE.toNanos(),
                run.get("finish_timestamp").longValue());
    }

    @Test
    void zero_finish_run_says_zero_while_running_and_the_time_once_done() throws Exception {
        JsonNode created = sim.runApp("zero-finish-app");
        sim.clock().advance(PHASE.plusSeconds(1));
        JsonNode done = sim.get("/api/v2/apps/runs/" + created.get("id").asText()).json();

        assertTrue(created.get("finish_timestamp").isIntegralNumber());
        assertEquals(0, created.get("finish_timestamp").longValue());
        assertEquals(created.get("start_timestamp").longValue() + PHASE.toNanos(),
                done.get("finish_timestamp").longValue());
    }

    @Test
    void app_names_walk_their_scenarios() throws Exception {
        assertEquals(List.of("RUNNING", "COMPLETE", "COMPLETE"), observe("/api/v2/apps/runs",
                "{\"app_name\": \"invoices\", \"batch_id\": 1}", 3));
        assertEquals(List.of("RUNNING", "FAILED", "FAILED"), observe("/api/v2/apps/runs",
                "{\"app_name\": \"will-fail\", \"batch_id\": 1}", 3));
        assertEquals(List.of("RUNNING", "CANCELLED", "CANCELLED"), observe("/api/v2/apps/runs",
                "{\"app_id\": \"cancel-id\", \"batch_id\": 1}", 3));
        assertEquals(List.of("RUNNING", "STOPPED_AT_CHECKPOINT", "RUNNING", "COMPLETE", "COMPLETE"),
                observe("/api/v2/apps/deployments/checkpoint-dep/runs", "{\"batch_id\": 1}", 5));
        assertEquals(List.of("RUNNING", "WEIRD_NEW_STATUS", "COMPLETE", "COMPLETE"), observe("/api/v2/apps/runs",
                "{\"app_name\": \"unknown-status-app\", \"batch_id\": 1}", 4));
        assertEquals(List.of("RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING"), observe("/api/v2/apps/runs",
                "{\"app_name\": \"forever-app\", \"batch_id\": 1}", 5));
    }

    @Test
    void failed_run_explains_itself_and_has_a_finish_time() throws Exception {
        JsonNode created = sim.runApp("fail-app");
        sim.clock().advance(PHASE.plusSeconds(1));

        JsonNode run = sim.get("/api/v2/apps/runs/" + created.get("id").asText()).json();

        assertEquals("FAILED", run.get("status").asText());
        assertEquals("Run failed (simulated)", run.get("msg").asText());
        assertTrue(run.get("finish_timestamp").isIntegralNumber());
    }

    @Test
    void forever_run_never_gets_a_finish_time() throws Exception {
        JsonNode created = sim.runApp("forever-app");
        sim.clock().advance(PHASE.multipliedBy(1000));

        JsonNode run = sim.get("/api/v2/apps/runs/" + created.get("id").asText()).json();

        assertEquals("RUNNING", run.get("status").asText());
        assertTrue(run.get("finish_timestamp").isNull());
    }

    @Test
    void a_deleted_run_is_gone_and_cannot_be_deleted_twice() throws Exception {
        String id = sim.runApp("invoices").get("id").asText();

        SimulatorFixture.Reply deleted = sim.delete("/api/v2/apps/runs/" + id);
        SimulatorFixture.Reply poll = sim.get("/api/v2/apps/runs/" + id);
        SimulatorFixture.Reply again = sim.delete("/api/v2/apps/runs/" + id);

        assertEquals(202, deleted.status());
        for (String job : List.of("delete_input_dir_job_id", "delete_output_dir_job_id", "delete_log_dir_job_id")) {
            UUID.fromString(deleted.json().get(job).asText());
        }
        assertEquals(404, poll.status());
        assertEquals(404, again.status());
        assertTrue(sim.server.run(id).isEmpty());
        assertEquals(1, sim.server.runsCreated());
    }

    @Test
    void delete_flags_set_to_false_keep_what_they_name() throws Exception {
        String id = sim.runApp("invoices").get("id").asText();

        JsonNode jobs = sim.delete("/api/v2/apps/runs/" + id
                + "?delete_input=false&delete_output=true&delete_logs=false&delete_db_data=false").json();

        assertTrue(jobs.get("delete_input_dir_job_id").isNull());
        UUID.fromString(jobs.get("delete_output_dir_job_id").asText());
        assertTrue(jobs.get("delete_log_dir_job_id").isNull());
        assertEquals(200, sim.get("/api/v2/apps/runs/" + id).status(), "the run's data is kept");
    }

    private static List<String> observe(String path, String body, int phases) throws Exception {
        sim.clock().reset();
        SimulatorFixture.Reply created = sim.post(path, body);
        String id = created.json().get("id").asText();
        sim.clock().advance(PHASE.dividedBy(2));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < phases; i++) {
            seen.add(sim.get("/api/v2/apps/runs/" + id).json().get("status").asText());
            sim.clock().advance(PHASE);
        }
        return seen;
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
