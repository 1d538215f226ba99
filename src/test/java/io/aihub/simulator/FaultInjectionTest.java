package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

class FaultInjectionTest {
    private static final String RUN_APP = "/api/v2/apps/runs";
    private static final String TAG = "aihub-run-worker:cmd-9";
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.perClass(b -> b.phaseDuration(Duration.ofMinutes(10)));

    @Test
    void rate_limit_with_retry_after_seconds_hits_the_next_two_submits_only() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(2)
                .then(FaultAction.errorRetryAfterSeconds(429, "too many requests", 7)));

        SimulatorFixture.Reply first = sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG));
        SimulatorFixture.Reply second = sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG));
        SimulatorFixture.Reply third = sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG));

        assertEquals(429, first.status());
        assertEquals("too many requests", first.message());
        assertEquals(Optional.of("7"), first.response().headers().firstValue("Retry-After"));
        assertEquals(429, second.status());
        assertEquals(200, third.status());
        assertEquals(1, sim.server.runsCreatedWithTag(TAG));
        assertEquals(List.of(), sim.server.faults().rules());
    }

    @Test
    void unavailable_with_retry_after_date_sends_an_http_date() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.ANY).times(1).then(
                FaultAction.errorRetryAfterDate(503, "maintenance", Instant.parse("2031-01-05T08:09:10Z"))));

        SimulatorFixture.Reply reply = sim.get(RUN_APP);

        assertEquals(503, reply.status());
        assertEquals(Optional.of("Sun, 05 Jan 2031 08:09:10 GMT"), reply.response().headers().firstValue("Retry-After"));
    }

    @Test
    void latency_delays_the_answer() throws Exception {
        String id = sim.runApp("a").get("id").asText();
        sim.server.faults().add(FaultRule.on(FaultOperation.STATUS).times(1)
                .then(FaultAction.latency(Duration.ofMillis(400))));

        long started = System.nanoTime();
        SimulatorFixture.Reply slow = sim.get(RUN_APP + "/" + id);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(200, slow.status());
        assertTrue(took.toMillis() >= 400, "took " + took);
    }

    @Test
    void latency_and_an_error_combine_into_a_slow_error() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1)
                .then(FaultAction.latency(Duration.ofMillis(300))));
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1).then(FaultAction.error(504, "timeout")));

        long started = System.nanoTime();
        SimulatorFixture.Reply reply = sim.post(RUN_APP, SimulatorFixture.appBody("a"));

        assertEquals(504, reply.status());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300);
        assertEquals(0, sim.server.runsCreated());
    }

    @Test
    void connection_reset_fails_the_submit_without_creating_a_run() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1).then(FaultAction.connectionReset()));

        assertThrows(IOException.class, () -> sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG)));

        assertEquals(0, sim.server.runsCreatedWithTag(TAG));
        RecordedRequest recorded = sim.server.requests().get(0);
        assertEquals(RecordedRequest.NO_RESPONSE, recorded.status());
        assertEquals(Optional.of(TAG), recorded.commandTag());
        assertEquals(200, sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG)).status());
    }

    @Test
    void dropped_response_leaves_the_run_created_but_the_client_with_an_io_error() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1).then(FaultAction.dropResponse()));

        assertThrows(IOException.class, () -> sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG)));

        assertEquals(1, sim.server.runsCreatedWithTag(TAG));
        assertEquals(1, sim.server.runsWithTag(TAG).size());
        assertEquals("RUNNING", sim.server.runsWithTag(TAG).get(0).status());
        assertEquals(RecordedRequest.NO_RESPONSE, sim.server.requests().get(0).status());
    }

    @Test
    void slow_response_creates_the_run_first_then_answers_late() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1)
                .then(FaultAction.slowResponse(Duration.ofMillis(400))));
        long start = System.nanoTime();

        var response = sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG));

        assertEquals(200, response.status());
        assertTrue(System.nanoTime() - start >= 400_000_000L, "answered after the delay");
        assertEquals(1, sim.server.runsCreatedWithTag(TAG));
    }

    @Test
    void after_success_fault_is_not_used_up_by_a_refused_request() throws Exception {
        FaultRule drop = sim.server.faults().add(
                FaultRule.on(FaultOperation.SUBMIT).times(1).then(FaultAction.dropResponse()));

        assertEquals(400, sim.post(RUN_APP, "{\"app_name\": \"a\"}").status());

        assertEquals(OptionalLong.of(1), drop.remaining());
        assertThrows(IOException.class, () -> sim.post(RUN_APP, SimulatorFixture.appBody("a")));
        assertEquals(OptionalLong.of(0), drop.remaining());
    }

    @Test
    void malformed_body_keeps_the_success_status_and_the_run() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1).then(FaultAction.malformedBody()));

        SimulatorFixture.Reply reply = sim.sendExpectingMalformedBody(sim.postRequest("/api/v2/apps/deployments/d/runs",
                "{\"batch_id\": 1, \"settings\": {\"tags\": [\"" + TAG + "\"]}}"));

        assertEquals(202, reply.status());
        assertEquals("application/json", reply.response().headers().firstValue("Content-Type").orElseThrow());
        assertThrows(JsonProcessingException.class, () -> SimulatorFixture.JSON.readTree(reply.body()));
        assertEquals(1, sim.server.runsCreatedWithTag(TAG));
    }

    @Test
    void status_poll_can_be_told_the_run_is_gone() throws Exception {
        String id = sim.runApp("a").get("id").asText();
        sim.server.faults().add(FaultRule.on(FaultOperation.STATUS).times(1).then(FaultAction.notFound()));

        SimulatorFixture.Reply gone = sim.get(RUN_APP + "/" + id);
        SimulatorFixture.Reply back = sim.get(RUN_APP + "/" + id);

        assertEquals(404, gone.status());
        assertEquals("run not found", gone.message());
        assertEquals(200, back.status());
    }

    @Test
    void name_filter_hits_only_the_named_app_and_its_runs() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.ANY).nameContains("flaky")
                .then(FaultAction.error(502, "bad gateway")));
        String steady = sim.runApp("steady-app").get("id").asText();

        SimulatorFixture.Reply flakySubmit = sim.post(RUN_APP, SimulatorFixture.appBody("flaky-app"));
        SimulatorFixture.Reply steadyPoll = sim.get(RUN_APP + "/" + steady);
        SimulatorFixture.Reply flakyList = sim.get(RUN_APP + "?app_name=flaky-app");

        assertEquals(502, flakySubmit.status());
        assertEquals(200, steadyPoll.status());
        assertEquals(502, flakyList.status());
    }

    @Test
    void operation_filter_leaves_other_operations_alone() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.RESULTS).then(FaultAction.error(500, "boom")));
        String id = sim.runApp("a").get("id").asText();

        assertEquals(200, sim.get(RUN_APP + "/" + id).status());
        assertEquals(500, sim.get(RUN_APP + "/" + id + "/results").status());
        assertEquals(OptionalLong.empty(), sim.server.faults().rules().get(0).remaining());
    }

    @Test
    void global_submit_latency_slows_every_submit_but_not_polls() throws Exception {
        try (SimulatorFixture slow = SimulatorFixture.start(b -> b.submitLatency(Duration.ofMillis(300)))) {
            long started = System.nanoTime();
            String id = slow.runApp("a").get("id").asText();
            long submitMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();

            assertTrue(submitMillis >= 300, "submit took " + submitMillis + " ms");
            assertEquals(200, slow.get(RUN_APP + "/" + id).status());
        }
    }

    @ParameterizedTest(name = "{0} after the run was created")
    @ValueSource(ints = { 500, 502, 503, 504 })
    void an_error_after_success_creates_the_run_and_still_answers_the_error(int status) throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1)
                .then(FaultAction.errorAfterSuccess(status, "upstream gave up")));

        SimulatorFixture.Reply reply = sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG));

        assertEquals(status, reply.status());
        assertEquals("upstream gave up", reply.message());
        assertEquals(1, sim.server.runsCreatedWithTag(TAG));
        assertEquals("RUNNING", sim.server.runsWithTag(TAG).get(0).status());
        assertEquals(status, sim.server.requests().get(0).status());
        assertEquals(200, sim.post(RUN_APP, SimulatorFixture.appBody("a", TAG)).status());
    }

    @Test
    void an_error_after_success_is_not_used_up_by_a_request_that_did_no_work() throws Exception {
        FaultRule late = sim.server.faults().add(FaultRule.on(FaultOperation.SUBMIT).times(1)
                .then(FaultAction.errorAfterSuccess(504, "gateway timeout")));

        assertEquals(400, sim.post(RUN_APP, "{\"app_name\": \"a\"}").status());

        assertEquals(OptionalLong.of(1), late.remaining());
        assertEquals(0, sim.server.runsCreated());
    }

    @Test
    void a_listing_lag_hides_a_new_run_from_list_runs_until_it_is_old_enough() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.LIST).then(FaultAction.listingLag(Duration.ofSeconds(8))));
        String old = sim.runApp("lagging-app", TAG).get("id").asText();
        sim.clock().advance(Duration.ofSeconds(8));
        String fresh = sim.runApp("lagging-app", TAG).get("id").asText();

        List<String> listed = listedIds(RUN_APP + "?app_name=lagging-app&order=ASCENDING");

        assertEquals(List.of(old), listed);
        assertEquals(200, sim.get(RUN_APP + "/" + fresh).status(), "a status poll finds the run at once");
        sim.clock().advance(Duration.ofSeconds(8));
        assertEquals(List.of(old, fresh), listedIds(RUN_APP + "?app_name=lagging-app&order=ASCENDING"));
    }

    @Test
    void list_runs_can_fail_for_a_while_and_then_answer_again() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.LIST).forDuration(Duration.ofSeconds(30), sim.clock())
                .then(FaultAction.error(403, "insufficient consumption units")));
        String id = sim.runApp("a", TAG).get("id").asText();

        SimulatorFixture.Reply during = sim.get(RUN_APP);
        SimulatorFixture.Reply stillDuring = sim.get(RUN_APP);
        SimulatorFixture.Reply poll = sim.get(RUN_APP + "/" + id);
        sim.clock().advance(Duration.ofSeconds(30));
        SimulatorFixture.Reply after = sim.get(RUN_APP);

        assertEquals(403, during.status());
        assertEquals("insufficient consumption units", during.message());
        assertEquals(403, stillDuring.status());
        assertEquals(200, poll.status(), "only List runs fails");
        assertEquals(200, after.status());
        assertEquals(List.of(), sim.server.faults().rules());
    }

    @Test
    void a_page_cap_serves_fewer_runs_than_the_limit_on_pages_that_are_not_the_last() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.LIST).then(FaultAction.pageCap(3)));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(sim.runApp("capped-app").get("id").asText());
            sim.clock().advance(Duration.ofMillis(10)); // distinct start times make the order exact
        }
        String page = RUN_APP + "?app_name=capped-app&order=ASCENDING&limit=5&offset=";

        List<String> first = listedIds(page + 0);
        List<String> second = listedIds(page + 3);
        List<String> third = listedIds(page + 6);
        List<String> fourth = listedIds(page + 7);

        assertEquals(created.subList(0, 3), first);
        assertEquals(created.subList(3, 6), second);
        assertEquals(created.subList(6, 7), third);
        assertEquals(List.of(), fourth);
        assertEquals(List.of(created.get(0), created.get(1)), listedIds(page.replace("limit=5", "limit=2") + 0),
                "a limit below the cap is served as asked");
    }

    @Test
    void an_ai_hub_that_does_not_list_tags_leaves_them_out_of_list_runs_only() throws Exception {
        sim.server.faults().add(FaultRule.on(FaultOperation.LIST).nameContains("tagless").then(FaultAction.omitTags()));
        String id = sim.runApp("tagless-app", TAG).get("id").asText();
        sim.runApp("tagged-app", TAG);

        JsonNode tagless = sim.get(RUN_APP + "?app_name=tagless-app").json().get("runs").get(0);
        JsonNode tagged = sim.get(RUN_APP + "?app_name=tagged-app").json().get("runs").get(0);

        assertEquals(id, tagless.get("id").asText());
        assertFalse(tagless.has("tags"), tagless.toString());
        assertEquals("[\"" + TAG + "\"]", tagged.get("tags").toString());
        assertEquals("[\"" + TAG + "\"]", sim.get(RUN_APP + "/" + id).json().get("tags").toString());
    }

    @Test
    void listing_actions_belong_to_list_runs_only() {
        assertThrows(IllegalArgumentException.class,
                () -> FaultRule.on(FaultOperation.SUBMIT).then(FaultAction.pageCap(3)));
        assertThrows(IllegalArgumentException.class, () -> FaultAction.pageCap(0));
        assertThrows(IllegalArgumentException.class, () -> FaultAction.listingLag(Duration.ZERO));
    }

    private static List<String> listedIds(String pathAndQuery) throws IOException {
        SimulatorFixture.Reply reply = sim.get(pathAndQuery);
        assertEquals(200, reply.status(), reply.body());
        List<String> ids = new ArrayList<>();
        reply.json().get("runs").forEach(run -> ids.add(run.get("id").asText()));
        return ids;
    }
}
