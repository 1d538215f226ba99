package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

class ResultsTest {
    private static final Duration PHASE = Duration.ofMinutes(10);
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture
            .perClass(b -> b.phaseDuration(PHASE).resultsFiles(5).resultsPageSize(2));

    @Test
    void five_files_come_in_three_pages_of_two_two_and_one() throws Exception {
        JsonNode run = completedRun("invoices");
        String results = "/api/v2/apps/runs/" + run.get("id").asText() + "/results?file_offset=";

        JsonNode first = sim.get(results + 0).json();
        JsonNode second = sim.get(results + 2).json();
        JsonNode third = sim.get(results + 4).json();

        assertEquals(List.of("document-001.pdf", "document-002.pdf"), names(first));
        assertTrue(first.get("has_more").booleanValue());
        assertEquals(List.of("document-003.pdf", "document-004.pdf"), names(second));
        assertTrue(second.get("has_more").booleanValue());
        assertEquals(List.of("document-005.pdf"), names(third));
        assertFalse(third.get("has_more").booleanValue());
    }

    @Test
    void results_page_repeats_the_run_and_describes_each_file() throws Exception {
        JsonNode run = completedRun("invoices");

        SimulatorFixture.Reply reply = sim.get("/api/v2/apps/runs/" + run.get("id").asText() + "/results");

        assertEquals(200, reply.status());
        JsonNode page = reply.json();
        assertEquals(run.get("id"), page.get("id"));
        assertEquals("COMPLETE", page.get("status").asText());
        assertEquals(run.get("start_timestamp").longValue(), page.get("start_timestamp").longValue());
        assertEquals(run.get("start_timestamp").longValue() + PHASE.toNanos(),
                page.get("finish_timestamp").longValue());
        assertEquals("42", page.get("batch_id").textValue(), "a string in the results body");
        assertTrue(page.get("message").isNull());
        assertTrue(page.get("review_completed").booleanValue());
        JsonNode file = page.get("files").get(0);
        assertEquals("document-001.pdf", file.get("original_file_name").asText());
        assertEquals("/batches/42/document-001.pdf", file.get("input_file_path").asText());
        JsonNode document = file.get("documents").get(0);
        assertEquals("invoice", document.get("class_name").asText());
        assertEquals("[1,2]", document.get("page_numbers").toString());
        assertEquals("{\"field_name\":\"invoice_number\",\"value\":\"INV-00001\",\"type\":\"TEXT\",\"error_msg\":\"\"}",
                document.get("fields").get(0).toString());
        assertEquals("100.00", document.get("fields").get(1).get("value").asText());
        assertEquals("2024-01-01", document.get("fields").get(2).get("value").asText());
    }

    @Test
    void input_file_path_lies_in_the_input_folder() throws Exception {
        String id = sim.post("/api/v2/apps/runs", "{\"app_name\": \"a\", \"input_dir\": \"/org-1/w/fs/d/in\"}")
                .json().get("id").asText();
        sim.clock().advance(PHASE.plusSeconds(1));

        JsonNode page = sim.get("/api/v2/apps/runs/" + id + "/results").json();

        assertEquals("/org-1/w/fs/d/in/document-001.pdf", page.get("files").get(0).get("input_file_path").asText());
        assertFalse(page.has("batch_id"), "no batch, no batch_id");
    }

    @Test
    void error_fields_run_has_error_values_with_a_message() throws Exception {
        JsonNode run = completedRun("error-fields-app");

        JsonNode fields = sim.get("/api/v2/apps/runs/" + run.get("id").asText() + "/results").json()
                .get("files").get(1).get("documents").get(0).get("fields");

        assertEquals("total_amount", fields.get(1).get("field_name").asText());
        assertEquals("ERROR", fields.get(1).get("value").asText());
        assertEquals("could not extract total_amount (simulated)", fields.get(1).get("error_msg").asText());
        assertEquals("", fields.get(0).get("error_msg").textValue());
    }

    @Test
    void confidence_scores_appear_only_when_asked_for() throws Exception {
        String results = "/api/v2/apps/runs/" + completedRun("invoices").get("id").asText() + "/results";

        JsonNode with = sim.get(results + "?include_confidence_scores=true&include_review_results=false").json();
        JsonNode without = sim.get(results).json();

        JsonNode field = with.get("files").get(0).get("documents").get(0).get("fields").get(0);
        assertEquals("{\"model\":0.97,\"ocr\":0.99}", field.get("confidence").toString());
        assertFalse(without.get("files").get(0).get("documents").get(0).get("fields").get(0).has("confidence"));
    }

    @Test
    void offset_past_the_last_file_gives_an_empty_final_page() throws Exception {
        JsonNode page = sim.get("/api/v2/apps/runs/" + completedRun("a").get("id").asText()
                + "/results?file_offset=9").json();

        assertEquals(0, page.get("files").size());
        assertFalse(page.get("has_more").booleanValue());
    }

    @Test
    void a_running_run_has_results_with_its_status_and_no_files_yet() throws Exception {
        String id = sim.runApp("invoices").get("id").asText();

        SimulatorFixture.Reply reply = sim.get("/api/v2/apps/runs/" + id + "/results");

        assertEquals(200, reply.status());
        assertEquals("RUNNING", reply.json().get("status").asText());
        assertTrue(reply.json().get("finish_timestamp").isNull());
        assertEquals(0, reply.json().get("files").size());
        assertFalse(reply.json().get("has_more").booleanValue());
        assertFalse(reply.json().get("review_completed").booleanValue());
    }

    @Test
    void a_failed_run_has_results_with_its_status_and_message_and_no_files() throws Exception {
        JsonNode run = completedRun("fail-app");

        JsonNode page = sim.get("/api/v2/apps/runs/" + run.get("id").asText() + "/results").json();

        assertEquals("FAILED", page.get("status").asText());
        assertEquals("Run failed (simulated)", page.get("message").asText());
        assertEquals(0, page.get("files").size());
    }

    @Test
    void results_of_an_unknown_run_are_not_found() throws Exception {
        assertEquals(404, sim.get("/api/v2/apps/runs/" + UUID.randomUUID() + "/results").status());
    }

    @ParameterizedTest(name = "{0} is a 400")
    @CsvSource(delimiter = '|', value = {
            "file_offset=-1 | file_offset must not be negative",
            "file_offset=two | file_offset must be an integer",
            "include_source_info=yes | include_source_info must be true or false",
            "include_validation_results=1 | include_validation_results must be true or false"
    })
    void invalid_results_query_is_refused(String query, String message) throws Exception {
        SimulatorFixture.Reply reply = sim.get("/api/v2/apps/runs/" + completedRun("a").get("id").asText()
                + "/results?" + query);

        assertEquals(400, reply.status());
        assertEquals(message, reply.message());
    }

    private static JsonNode completedRun(String app) throws Exception {
        sim.clock().reset();
        JsonNode run = sim.runApp(app);
        sim.clock().advance(PHASE.plusSeconds(1));
        return run;
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("files").forEach(file -> names.add(file.get("original_file_name").asText()));
        return names;
    }
}
