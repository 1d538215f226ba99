package io.aihub.worker.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The admin endpoints against the running worker (enabled in the test profile with a token): no token or a wrong one
 * is refused, a command is looked up from the ledger, runs in flight are listed by status, and a replay can be asked
 * for over HTTP.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class AdminEndpointsTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String TOKEN = "Bearer test-admin-token-4Rz8";

    /** OpenAPI is served on the management interface (root path /q) with health and metrics. */
    @TestHTTPResource(value = "/openapi", management = true)
    URL openApiUrl;

    @Test
    void calls_without_the_token_or_with_a_wrong_one_are_refused() {
        given().when().get("/admin/commands/anything").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Bearer not-the-token").when().get("/admin/commands/anything").then()
                .statusCode(401);
        given().header("Authorization", "Bearer not-the-token").contentType("application/json").body("{\"all\": true}")
                .when().post("/admin/replay").then().statusCode(401);
        given().header("Authorization", "test-admin-token-4Rz8").when().get("/admin/commands").then().statusCode(401);
    }

    @Test
    void a_finished_command_is_looked_up_with_its_run_state_and_attempts() {
        topics.send("lookup-done", "{\"command_id\": \"lookup-done\", \"app_name\": \"lookup-app\", \"batch_id\": 1}");
        var events = topics.awaitTerminalEvent("lookup-done", DEADLINE);
        String runId = events.get(0).data().get("run_id").asText();
        await().atMost(DEADLINE).until(() -> given().header("Authorization", TOKEN).get("/admin/commands/lookup-done")
                .then().extract().path("state") instanceof String state && state.equals("ENDED"));

        JsonPath body = given().header("Authorization", TOKEN).when().get("/admin/commands/lookup-done").then()
                .statusCode(200).extract().jsonPath();

        assertThat(body.getString("command_id")).isEqualTo("lookup-done");
        assertThat(body.getString("state")).isEqualTo("ENDED");
        assertThat(body.getString("status")).isEqualTo("COMPLETE");
        assertThat(body.getString("run_id")).isEqualTo(runId);
        assertThat(body.getInt("attempts")).isEqualTo(1);
        assertThat(body.getLong("sequence")).isEqualTo(2);
        assertThat(body.getString("source")).isEqualTo("replica");
        assertThat(body.getString("updated_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void the_endpoints_are_described_in_the_openapi_document_with_their_token() {
        given().queryParam("format", "json").when().get(openApiUrl).then().statusCode(200)
                .body("paths.'/admin/commands/{commandId}'.get.summary", equalTo("What the worker knows about a command"))
                .body("paths.'/admin/replay'.post.responses.'409'.description",
                        equalTo("another replay is running in this process"))
                .body("components.securitySchemes.adminToken.scheme", equalTo("bearer"));
    }

    @Test
    void an_unknown_command_is_a_404_that_says_why() {
        given().header("Authorization", TOKEN).when().get("/admin/commands/never-sent").then().statusCode(404)
                .body("message", containsString("is not in the ledger"));
    }

    @Test
    void runs_in_flight_are_listed_by_status() {
        topics.send("lookup-forever", "{\"command_id\": \"lookup-forever\", \"app_name\": \"forever-lookup\","
                + " \"batch_id\": 1}");
        await().atMost(DEADLINE).until(() -> topics.eventsFor("lookup-forever").stream()
                .map(CloudEventRecord::type).anyMatch("aihub.run.submitted"::equals));
        String runId = topics.eventsFor("lookup-forever").get(0).data().get("run_id").asText();

        JsonPath running = given().header("Authorization", TOKEN).queryParam("status", "RUNNING").when()
                .get("/admin/commands").then().statusCode(200).extract().jsonPath();
        JsonPath checkpoint = given().header("Authorization", TOKEN).queryParam("status", "STOPPED_AT_CHECKPOINT")
                .when().get("/admin/commands").then().statusCode(200).extract().jsonPath();

        assertThat(running.getList("commands.command_id", String.class)).contains("lookup-forever");
        assertThat(running.getList("commands.findAll { it.command_id == 'lookup-forever' }.run_id", String.class))
                .containsExactly(runId);
        assertThat(running.getList("commands.status", String.class)).containsOnly("RUNNING");
        assertThat(running.getList("partitions", Integer.class)).hasSize(WorkerTestResource.PARTITIONS);
        assertThat(checkpoint.getList("commands.command_id", String.class)).doesNotContain("lookup-forever");
    }

    @Test
    void a_dry_run_replay_over_http_answers_with_its_summary() {
        topics.send("lookup-bad", "{\"command_id\": \"lookup-bad\", \"batch_id\": 1}");
        topics.awaitDeadLetter("lookup-bad", DEADLINE);

        given().header("Authorization", TOKEN).contentType("application/json")
                .body("{\"command_ids\": [\"lookup-bad\"], \"dry_run\": true}")
                .when().post("/admin/replay").then().statusCode(200)
                .body("dry_run", equalTo(true)).body("selected", equalTo(1)).body("replayed", equalTo(0))
                .body("records[0].command_id", equalTo("lookup-bad"))
                .body("records[0].code", equalTo("MISSING_FIELD"))
                .body("records[0].action", equalTo("WOULD_REPLAY"));
        given().header("Authorization", TOKEN).contentType("application/json").body("{\"dry_run\": true}")
                .when().post("/admin/replay").then().statusCode(400).body("message", containsString("--all"));
    }
}
