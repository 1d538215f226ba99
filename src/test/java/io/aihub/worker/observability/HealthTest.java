package io.aihub.worker.observability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URL;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.aihub.worker.ledger.PartitionOwnership;
import io.aihub.worker.messaging.CommandsRebalanceListener;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;

/**
 * Health as design.md asks: readiness is UP with no partitions assigned (an idle replica never blocks a rollout) and
 * DOWN while an assigned partition's ledger is being restored; liveness includes the commands channel.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class HealthTest extends KafkaFlowTest {

    /** Health is served on the management interface (its root path is /q), not on the HTTP port. */
    @TestHTTPResource(value = "/health/live", management = true)
    URL liveUrl;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readyUrl;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** A partition number the commands topic does not have, so marking it touches no real work. */
    private static final int UNUSED_PARTITION = 99;

    @Inject
    PartitionOwnership ledger;

    @Inject
    @Identifier(CommandsRebalanceListener.NAME)
    CommandsRebalanceListener listener;

    @Test
    void health_and_metrics_are_served_on_the_management_port_and_admin_only_on_the_http_port() throws Exception {
        URL adminOnManagementPort = new URL(readyUrl, "/admin/commands");
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
        given().get(readyUrl).then().statusCode(200);
        given().get(metricsUrl).then().statusCode(200);
        String token = "Bearer test-admin-token-4Rz8";
        given().header("Authorization", token).get(adminOnManagementPort).then().statusCode(404);
        given().header("Authorization", token).get("/admin/commands").then().statusCode(200);
    }

    @Test
    void liveness_includes_the_commands_channel() {
        given().get(liveUrl).then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - liveness check"))
                .body("checks.find { it.name == 'SmallRye Reactive Messaging - liveness check' }.data.commands",
                        equalTo("[OK]"));
    }
}
