package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.simulator.RecordedRequest;
import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A deployment ID travels percent-encoded in the request path, as the simulator receives it: a slash, a space or a
 * query character in it cannot change the path the request goes to. (Validation refuses such IDs before this.)
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class PathEncodingTest {

    @Inject
    AiHubClient client;

    @Inject
    ObjectMapper mapper;

    @InjectSimulator
    SimulatorServer simulator;

    @Test
    void a_deployment_id_is_percent_encoded_as_one_path_segment() {
        ObjectNode body = mapper.createObjectNode().put("batch_id", 1);

        // Whether the simulator runs it or not, the path it received is what counts here.
        catchThrowable(() -> client.runDeployment("sim-org", "encoded dep/../x?y#z", body, SubmitGate.always())
                .await().atMost(Duration.ofSeconds(10)));

        assertThat(simulator.requests()).extracting(RecordedRequest::path)
                .contains("/api/v2/apps/deployments/encoded%20dep%2F..%2Fx%3Fy%23z/runs");
    }
}
