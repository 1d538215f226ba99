package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** The admin routes benchmarks read: {@code /_sim/stats}, {@code /_sim/runs/created} and {@code /_sim/reset}. */
class BenchmarkStatsTest {
    private static final String ADMIN_TOKEN = "admin-secret";
    /** A stopped clock: every request arrives at the same instant, so the busiest second is exact. */
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456789Z");
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture
            .perClass(b -> b.adminToken(ADMIN_TOKEN).clock(Clock.fixed(NOW, ZoneOffset.UTC)));

    @AfterEach
    void reset() throws Exception {
        assertEquals(204, admin("/_sim/reset", HttpRequest.BodyPublishers.noBody()).status());
    }

    @Test
    void stats_count_requests_by_route_the_busiest_second_and_calls_per_run() throws Exception {
        String first = sim.runApp("a", "aihub-run-worker:cmd-1").get("id").asText();
        sim.runApp("a", "aihub-run-worker:cmd-2");
        sim.get("/api/v2/apps/runs/" + first);
        sim.get("/api/v2/apps/runs/" + first);
        sim.get("/api/v2/apps/runs/" + first);
        sim.get("/api/v2/apps/runs?from_timestamp=0&to_timestamp=1");
        sim.get("/api/v2/apps/runs/00000000-0000-0000-0000-000000000000");

        JsonNode stats = admin("/_sim/stats").json();

        assertEquals(7, stats.get("total_requests").longValue());
        assertEquals(2, stats.get("requests").get("POST /api/v2/apps/runs").longValue());
        assertEquals(4, stats.get("requests").get("GET /api/v2/apps/runs/{run_id}").longValue());
        assertEquals(1, stats.get("requests").get("GET /api/v2/apps/runs").longValue());
        assertEquals(7, stats.get("max_requests_in_1s").intValue());
        assertEquals(NOW.toString(), stats.get("max_window_end").asText());
        assertFalse(stats.get("max_requests_in_1s_is_lower_bound").booleanValue());
        assertEquals(2, stats.get("runs_created").longValue());
        assertEquals(3.5, stats.get("requests_per_run_created").doubleValue());
        // cmd-1: its POST and three status calls; cmd-2: its POST. The List and the unknown run name no run.
        JsonNode perRun = stats.get("calls_per_run");
        assertEquals(2, perRun.get("runs").intValue());
        assertEquals(2.5, perRun.get("mean").doubleValue());
        assertEquals(1, perRun.get("p50").intValue());
        assertEquals(4, perRun.get("p99").intValue());
        assertEquals(4, perRun.get("max").intValue());
    }

    @Test
    void created_runs_list_the_command_run_and_response_time_of_every_tagged_run() throws Exception {
        JsonNode one = sim.runApp("a", "team", "aihub-run-worker:cmd-1");
        JsonNode two = sim.runApp("a", "aihub-run-worker:cmd-2");
        sim.runApp("a", "untagged");

        SimulatorFixture.Reply csv = admin("/_sim/runs/created");

        assertEquals(200, csv.status());
        assertEquals("text/csv", csv.response().headers().firstValue("Content-Type").orElse(""));
        List<String> lines = csv.body().lines().toList();
        assertEquals("command_id,run_id,response_epoch_micros", lines.get(0));
        long micros = NOW.getEpochSecond() * 1_000_000L + NOW.getNano() / 1_000;
        assertEquals(Set.of("cmd-1," + one.get("id").asText() + "," + micros,
                "cmd-2," + two.get("id").asText() + "," + micros),
                lines.stream().skip(1).collect(Collectors.toSet()));
        assertEquals(one.get("start_timestamp").longValue() / 1_000, micros);
    }

    @Test
    void reset_forgets_runs_counters_and_the_busiest_second() throws Exception {
        sim.runApp("a", "aihub-run-worker:cmd-1");

        assertEquals(204, admin("/_sim/reset", HttpRequest.BodyPublishers.noBody()).status());
        JsonNode stats = admin("/_sim/stats").json();

        assertEquals(0, stats.get("total_requests").longValue());
        assertEquals(0, stats.get("max_requests_in_1s").intValue());
        assertEquals(0, stats.get("runs_created").longValue());
        assertEquals(0, stats.get("calls_per_run").get("runs").intValue());
        assertEquals(List.of("command_id,run_id,response_epoch_micros"), admin("/_sim/runs/created").body().lines().toList());
    }

    @Test
    void benchmark_routes_need_the_admin_token() throws Exception {
        assertEquals(401, sim.send(HttpRequest.newBuilder(sim.uri("/_sim/stats")).build()).status());
        assertEquals(401, sim.send(HttpRequest.newBuilder(sim.uri("/_sim/runs/created")).build()).status());
        assertEquals(401, sim.send(HttpRequest.newBuilder(sim.uri("/_sim/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).status());
        assertEquals(401, sim.send(sim.request("/_sim/stats").header("X-Sim-Admin-Token", "admin-secreT").GET()
                .build()).status());
    }

    private static SimulatorFixture.Reply admin(String path) throws Exception {
        return sim.send(HttpRequest.newBuilder(sim.uri(path)).header("X-Sim-Admin-Token", ADMIN_TOKEN).build());
    }

    private static SimulatorFixture.Reply admin(String path, HttpRequest.BodyPublisher post) throws Exception {
        return sim.send(HttpRequest.newBuilder(sim.uri(path)).header("X-Sim-Admin-Token", ADMIN_TOKEN).POST(post)
                .build());
    }
}
