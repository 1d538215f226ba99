package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.aihub.simulator.SimulatorServer;
import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.DeleteOptions;
import io.aihub.worker.support.CloudEventRecord;
import io.aihub.worker.support.InjectSimulator;
import io.aihub.worker.support.KafkaFlowTest;
import io.aihub.worker.support.TestSimulator;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Commands produced to the real broker become AI Hub runs on the simulator, and every status change comes back as a
 * CloudEvent on the events topic, in order, with the contract's type, id, subject and data.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class RunTrackingTest extends KafkaFlowTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @InjectSimulator
    SimulatorServer simulator;

    @Inject
    AiHubClient client;

    @Test
    void an_app_run_by_name_on_a_batch_is_submitted_then_completes() {
        topics.send("cmd-name-batch", """
                {"command_id": "cmd-name-batch", "app_name": "invoices", "batch_id": 42,
                 "metadata": {"order": "A-17"}}""");

        List<CloudEventRecord> events = topics.awaitTerminalEvent("cmd-name-batch", DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.completed");
        assertThat(events).extracting(CloudEventRecord::id).containsExactly("cmd-name-batch:1", "cmd-name-batch:2");
        CloudEventRecord completed = events.get(1);
        assertThat(completed.specVersion()).isEqualTo("1.0");
        assertThat(completed.subject()).isEqualTo("cmd-name-batch");
        assertThat(completed.source()).isEqualTo("urn:aihub-run-worker");
        assertThat(completed.time()).isNotBlank();
        assertThat(completed.data().get("command_id").asText()).isEqualTo("cmd-name-batch");
        assertThat(completed.data().get("status").asText()).isEqualTo("COMPLETE");
        assertThat(completed.data().get("previous_status").asText()).isEqualTo("RUNNING");
        assertThat(completed.data().get("app_name").asText()).isEqualTo("invoices");
        assertThat(completed.data().get("batch_id").asLong()).isEqualTo(42);
        assertThat(completed.data().get("metadata").get("order").asText()).isEqualTo("A-17");
        assertThat(completed.data().get("attempts").asInt()).isEqualTo(1);
        assertThat(completed.data().get("start_timestamp").asLong()).isGreaterThan(1_000_000_000_000_000_000L);
        assertThat(completed.data().get("finish_timestamp").asLong())
                .isGreaterThanOrEqualTo(completed.data().get("start_timestamp").asLong());
        String runId = events.get(0).data().get("run_id").asText();
        assertThat(completed.data().get("run_id").asText()).isEqualTo(runId);
        assertThat(simulator.runsCreatedWithTag("aihub-run-worker:cmd-name-batch")).isEqualTo(1);
    }

    @Test
    void an_app_run_by_id_on_an_input_folder_that_fails_ends_with_a_failed_event() {
        topics.send("cmd-id-folder", """
                {"command_id": "cmd-id-folder", "app_id": "app-fail-7", "input_dir": "/sim-org/ws/fs/drive/in/",
                 "output_workspace": "ws"}""");

        List<CloudEventRecord> events = topics.awaitTerminalEvent("cmd-id-folder", DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.failed");
        CloudEventRecord failed = events.get(1);
        assertThat(failed.data().get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.data().get("app_id").asText()).isEqualTo("app-fail-7");
        assertThat(failed.data().get("input_dir").asText()).isEqualTo("/sim-org/ws/fs/drive/in/");
    }

    @Test
    void a_deployment_run_that_is_cancelled_ends_with_a_cancelled_event() {
        topics.send("cmd-deploy-cancel", """
                {"command_id": "cmd-deploy-cancel", "deployment_id": "dep-cancel-1", "batch_id": 9,
                 "output_dir": "/sim-org/ws/fs/drive/out/"}""");

        List<CloudEventRecord> events = topics.awaitTerminalEvent("cmd-deploy-cancel", DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.cancelled");
        assertThat(events.get(1).data().get("deployment_id").asText()).isEqualTo("dep-cancel-1");
        assertThat(events.get(1).data().get("status").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void a_run_that_stops_at_a_checkpoint_publishes_checkpoint_then_running_then_completed() {
        // Phases of 2 s: every status outlasts several polls, also when a busy machine delays one (a 600-ms RUNNING
        // phase between two polls was missed once on a busy machine).
        simulator.phaseDuration(Duration.ofSeconds(2));
        String command = """
                {"command_id": "cmd-checkpoint", "deployment_id": "dep-checkpoint", "input_dir": "/sim-org/ws/fs/d/in/"}""";
        List<CloudEventRecord> events;
        try {
            topics.send("cmd-checkpoint", command);
            awaitEvent("cmd-checkpoint", "aihub.run.submitted");
        } finally {
            simulator.phaseDuration(TestSimulator.DEFAULT_PHASE);
        }
        events = topics.awaitTerminalEvent("cmd-checkpoint", DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type).containsExactly("aihub.run.submitted",
                "aihub.run.checkpoint", "aihub.run.running", "aihub.run.completed");
        assertThat(events).extracting(CloudEventRecord::id)
                .containsExactly("cmd-checkpoint:1", "cmd-checkpoint:2", "cmd-checkpoint:3", "cmd-checkpoint:4");
        assertThat(events).extracting(e -> e.data().get("status").asText())
                .containsExactly("RUNNING", "STOPPED_AT_CHECKPOINT", "RUNNING", "COMPLETE");
        assertThat(events.get(2).data().get("previous_status").asText()).isEqualTo("STOPPED_AT_CHECKPOINT");
    }

    @Test
    void a_run_deleted_after_it_was_seen_ends_as_tracking_failed() {
        topics.send("cmd-vanishing", """
                {"command_id": "cmd-vanishing", "app_name": "vanishing-forever", "batch_id": 4}""");
        String runId = awaitEvent("cmd-vanishing", "aihub.run.submitted").data().get("run_id").asText();
        await().atMost(DEADLINE).until(() -> simulator.requests().stream()
                .anyMatch(r -> r.method().equals("GET") && r.path().endsWith("/runs/" + runId) && r.status() == 200));

        client.deleteRun("sim-org", runId, DeleteOptions.RUN_ONLY).await().atMost(DEADLINE);
        List<CloudEventRecord> events = topics.awaitTerminalEvent("cmd-vanishing", DEADLINE);

        assertThat(events).extracting(CloudEventRecord::type)
                .containsExactly("aihub.run.submitted", "aihub.run.tracking_failed");
        CloudEventRecord failed = events.get(1);
        assertThat(failed.data().get("status").asText()).isEqualTo("TRACKING_FAILED");
        assertThat(failed.data().get("previous_status").asText()).isEqualTo("RUNNING");
        assertThat(failed.data().get("run_id").asText()).isEqualTo(runId);
        assertThat(failed.data().get("error").get("code").asText()).isEqualTo("RUN_NOT_FOUND");
        assertThat(failed.data().get("error").get("http_status").asInt()).isEqualTo(404);
    }

    private CloudEventRecord awaitEvent(String commandId, String type) {
        return await().atMost(DEADLINE).until(() -> topics.eventsFor(commandId).stream()
                .filter(e -> e.type().equals(type)).findFirst(), Optional::isPresent).orElseThrow();
    }

    @Test
    void settings_are_passed_through_and_the_run_carries_the_command_tag() {
        topics.send("cmd-settings", """
                {"command_id": "cmd-settings", "app_name": "claims", "owner": "instabase", "version": "2.1.0",
                 "batch_id": 5, "output_workspace": "ws",
                 "settings": {"keys": {"custom": {"region": "eu"}}, "tags": ["team-a"],
                              "runtime_config": {"generate_post_process_pdf": true, "webhook_config": {"url": "u"},
                                                 "instabase": {"pdf": {"passwords": {"scan.pdf": "pw-9"}}}}}}""");

        topics.awaitTerminalEvent("cmd-settings", DEADLINE);

        String runId = topics.eventsFor("cmd-settings").get(0).data().get("run_id").asText();
        assertThat(simulator.run(runId)).hasValueSatisfying(run -> {
            assertThat(run.tags()).contains(List.of("team-a", "aihub-run-worker:cmd-settings"));
            // The passwords reached AI Hub nested, where the API reads them (the simulator keeps only the file titles).
            assertThat(run.pdfPasswordFiles()).containsExactly("scan.pdf");
        });
    }
}
