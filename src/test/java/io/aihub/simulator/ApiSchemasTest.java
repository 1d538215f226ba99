package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The schemas every simulator answer is checked against can fail: each shape the simulator used to answer in, and
 * each broken rule of the API document, is refused; what the document describes passes.
 */
class ApiSchemasTest {
    private static final String RUN = "{\"id\": \"r-1\", \"status\": \"RUNNING\", \"start_timestamp\": "
            + "1796222121990288154, \"finish_timestamp\": null, \"msg\": null, \"batch_id\": 7, \"input_dir\": null, "
            + "\"app_id\": \"a\", \"deployment_id\": null, \"tags\": [\"t\"], \"added_later\": {\"any\": 1}}";

    @ParameterizedTest(name = "{0} {1} answered {2}: {3}")
    @CsvSource({
            "POST, /api/v2/apps/runs, 200, run",
            "POST, /api/v2/apps/deployments/dep-1/runs, 202, run",
            "GET, /api/v2/apps/runs/r-1, 200, run",
            "GET, /api/v2/apps/runs, 200, run-list",
            "GET, /api/v2/apps/runs/r-1/results, 200, results",
            "DELETE, /api/v2/apps/runs/r-1, 202, delete",
            "GET, /api/v2/apps/runs/r-1, 404, error",
            "POST, /api/v2/apps/runs, 503, error"
    })
    void every_operation_and_status_has_its_schema(String method, String path, int status, String schema) {
        assertEquals(Optional.of(schema), ApiSchemas.schemaFor(method, path, status));
    }

    @Test
    void a_success_the_api_does_not_have_fails_and_admin_routes_are_not_checked() {
        assertThrows(AssertionError.class, () -> ApiSchemas.schemaFor("PUT", "/api/v2/apps/runs/r-1", 200));
        assertEquals(Optional.empty(), ApiSchemas.schemaFor("GET", "/_sim/stats", 200));
    }

    @Test
    void the_documented_shapes_pass_with_fields_added_later() {
        assertDoesNotThrow(() -> ApiSchemas.assertConforms("run", RUN, "run"));
        assertDoesNotThrow(() -> ApiSchemas.assertConforms("run-list", "{\"runs\": [" + RUN + "]}", "list"));
        assertDoesNotThrow(() -> ApiSchemas.assertConforms("results", "{\"id\": \"r-1\", \"status\": \"COMPLETE\", "
                + "\"message\": null, \"batch_id\": \"7\", \"has_more\": false, \"files\": [{\"original_file_name\": "
                + "\"a.pdf\", \"documents\": [{\"fields\": [{\"field_name\": \"f\", \"value\": \"ERROR\", "
                + "\"error_msg\": \"failed\", \"confidence\": {\"model\": 0.5, \"ocr\": null}}]}]}]}", "results"));
        assertDoesNotThrow(() -> ApiSchemas.assertConforms("delete", "{\"delete_input_dir_job_id\": null, "
                + "\"delete_output_dir_job_id\": \"j-2\", \"delete_log_dir_job_id\": \"j-3\"}", "delete"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a start in milliseconds | run | {\"id\": \"r\", \"status\": \"RUNNING\", \"start_timestamp\": 1796222121990}",
            "a run without an id | run | {\"status\": \"RUNNING\", \"start_timestamp\": 1796222121990288154}",
            "a batch_id as a string in a run | run | {\"id\": \"r\", \"status\": \"RUNNING\", \"start_timestamp\": 1796222121990288154, \"batch_id\": \"7\"}",
            "tags that are not strings | run | {\"id\": \"r\", \"status\": \"RUNNING\", \"start_timestamp\": 1796222121990288154, \"tags\": [1]}",
            "a list without runs | run-list | {\"items\": []}",
            "a confidence that is a number | results | {\"id\": \"r\", \"status\": \"COMPLETE\", \"has_more\": false, \"files\": [{\"original_file_name\": \"a\", \"documents\": [{\"fields\": [{\"field_name\": \"f\", \"value\": \"v\", \"confidence\": 0.97}]}]}]}",
            "a results batch_id that is a number | results | {\"id\": \"r\", \"status\": \"COMPLETE\", \"has_more\": false, \"files\": [], \"batch_id\": 42}",
            "an error_msg of null | results | {\"id\": \"r\", \"status\": \"COMPLETE\", \"has_more\": false, \"files\": [{\"original_file_name\": \"a\", \"documents\": [{\"fields\": [{\"field_name\": \"f\", \"value\": \"v\", \"error_msg\": null}]}]}]}",
            "results without has_more | results | {\"id\": \"r\", \"status\": \"COMPLETE\", \"files\": []}",
            "a delete answer of job_ids | delete | {\"job_ids\": [\"j-1\"]}",
            "an error without a message | error | {\"error\": \"boom\"}",
            "a problem+json error | error | {\"title\": \"Bad Request\", \"status\": 400}"
    })
    void a_shape_the_document_does_not_describe_fails(String description, String schema, String body) {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> ApiSchemas.assertConforms(schema, body, description));

        assertTrue(failure.getMessage().startsWith(description + " does not match " + schema + ".schema.json"),
                failure.getMessage());
    }

    @Test
    void a_body_that_is_not_json_fails() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> ApiSchemas.assertConforms("run", "{\"id\": \"", "a cut body"));

        assertTrue(failure.getMessage().startsWith("a cut body answered a body that is not JSON"));
    }
}
