package io.aihub.worker.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.ErrorCode;
import io.aihub.worker.command.Input;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.support.RunCommands;

/** The mapping of a command and its run onto status events (design.md, "Status event"). */
class EventFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2026-12-02T10:15:30.123Z");
    private static final long STARTED = 1_764_670_530_000_000_000L;
    private static final long FINISHED = 1_764_670_590_000_000_000L;

    private static final RunCommand APP_ON_A_BATCH = RunCommands.command("c-1")
            .target(new Target.AppByName("invoice-app", Optional.of("instabase"))).input(new Input.Batch(42))
            .metadata(Map.of("team", "ap")).secrets("pdf-pass-1", "sk-live-9").build();

    private static final RunCommand DEPLOYMENT_UPSTREAM = RunCommands.command("c-2")
            .target(new Target.Deployment("dep-1"))
            .input(new Input.Upstream(OptionalLong.empty(), OptionalLong.empty())).build();

    private static Run run(String status, Long finish, String msg) {
        return new Run("run-1", status, STARTED, finish, msg, 42L, null, null, null, List.of("aihub-run-worker:c-1"));
    }

    /** The data as it goes on the wire, read back as a tree. */
    private static JsonNode tree(EventData data) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(data));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void a_submitted_event_is_the_first_of_its_command_and_names_the_run_and_the_target() throws Exception {
        StatusEvent event = EventFactory.forRun(APP_ON_A_BATCH, 1, EventType.SUBMITTED, run("RUNNING", null, "queued"),
                Optional.empty(), 1, TIME);

        assertThat(event.id()).isEqualTo("c-1:1");
        assertThat(event.type()).isEqualTo(EventType.SUBMITTED);
        assertThat(event.time()).isEqualTo(TIME);
        assertThat(tree(event.data())).isEqualTo(json("""
                {"command_id": "c-1", "run_id": "run-1", "status": "RUNNING", "msg": "queued",
                 "app_name": "invoice-app", "owner": "instabase", "batch_id": 42,
                 "start_timestamp": 1764670530000000000, "attempts": 1, "metadata": {"team": "ap"}}"""));
    }

    @Test
    void a_status_change_names_the_previous_status_and_the_finish_time() {
        StatusEvent event = EventFactory.forRun(APP_ON_A_BATCH, 3, EventType.COMPLETED,
                run("COMPLETE", FINISHED, null), Optional.of("RUNNING"), 2, TIME);

        assertThat(event.id()).isEqualTo("c-1:3");
        assertThat(event.type()).isEqualTo(EventType.COMPLETED);
        assertThat(event.data().status()).isEqualTo("COMPLETE");
        assertThat(event.data().previousStatus()).isEqualTo("RUNNING");
        assertThat(event.data().startTimestamp()).isEqualTo(STARTED);
        assertThat(event.data().finishTimestamp()).isEqualTo(FINISHED);
        assertThat(event.data().attempts()).isEqualTo(2);
    }

    @Test
    void a_finish_time_of_zero_means_the_run_is_still_going() {
        StatusEvent event = EventFactory.forRun(APP_ON_A_BATCH, 2, EventType.RUNNING, run("RUNNING", 0L, null),
                Optional.of("RUNNING"), 1, TIME);

        assertThat(event.data().finishTimestamp()).isNull();
    }

    @Test
    void a_status_this_version_does_not_know_is_passed_on_as_ai_hub_sent_it() {
        StatusEvent event = EventFactory.forRun(APP_ON_A_BATCH, 2, EventType.RUNNING,
                run("WEIRD_NEW_STATUS", null, null), Optional.of("RUNNING"), 1, TIME);

        assertThat(event.type()).isEqualTo(EventType.RUNNING);
        assertThat(event.data().status()).isEqualTo("WEIRD_NEW_STATUS");
    }

    @Test
    void the_run_message_is_scrubbed_of_the_commands_secrets() {
        StatusEvent event = EventFactory.forRun(APP_ON_A_BATCH, 3, EventType.FAILED,
                run("FAILED", FINISHED, "wrong password pdf-pass-1 for file a.pdf (key sk-live-9)"),
                Optional.of("RUNNING"), 1, TIME);

        assertThat(event.data().msg()).isEqualTo("wrong password *** for file a.pdf (key ***)");
    }

    @Test
    void a_submission_failure_has_no_run_and_carries_its_error() throws Exception {
        StatusEvent event = EventFactory.forFailure(DEPLOYMENT_UPSTREAM, 1, EventType.SUBMISSION_FAILED,
                Optional.empty(), Optional.empty(), 3, new EventData.Error("AIHUB_REJECTED", 422, "unprocessable"),
                TIME);

        assertThat(event.id()).isEqualTo("c-2:1");
        assertThat(event.type()).isEqualTo(EventType.SUBMISSION_FAILED);
        assertThat(tree(event.data())).isEqualTo(json("""
                {"command_id": "c-2", "status": "SUBMISSION_FAILED", "deployment_id": "dep-1",
                 "manual_upstream_integration": true, "attempts": 3, "metadata": {},
                 "error": {"code": "AIHUB_REJECTED", "http_status": 422, "message": "unprocessable"}}"""));
    }

    @Test
    void a_tracking_failure_names_the_run_and_the_last_status_seen() {
        StatusEvent event = EventFactory.forFailure(APP_ON_A_BATCH, 4, EventType.TRACKING_FAILED,
                Optional.of("run-1"), Optional.of("RUNNING"), 1,
                new EventData.Error("RUN_NOT_FOUND", 404, "the run no longer exists"), TIME);

        assertThat(event.id()).isEqualTo("c-1:4");
        assertThat(event.type()).isEqualTo(EventType.TRACKING_FAILED);
        assertThat(event.data().runId()).isEqualTo("run-1");
        assertThat(event.data().status()).isEqualTo("TRACKING_FAILED");
        assertThat(event.data().previousStatus()).isEqualTo("RUNNING");
        assertThat(event.data().error()).isEqualTo(new EventData.Error("RUN_NOT_FOUND", 404, "the run no longer exists"));
        assertThat(event.data().appName()).isEqualTo("invoice-app");
    }

    @Test
    void a_rejected_event_names_the_command_why_and_its_metadata_and_nothing_about_a_run_or_a_target() throws Exception {
        StatusEvent event = EventFactory.rejected("c-9", 1, ErrorCode.MISSING_FIELD, "app_name: required",
                Map.of("order_id", "A-17"), TIME);

        assertThat(event.id()).isEqualTo("c-9:1");
        assertThat(event.type()).isEqualTo(EventType.REJECTED);
        assertThat(event.time()).isEqualTo(TIME);
        assertThat(tree(event.data())).isEqualTo(json("""
                {"command_id": "c-9", "status": "REJECTED", "attempts": 0, "metadata": {"order_id": "A-17"},
                 "error": {"code": "MISSING_FIELD", "message": "app_name: required"}}"""));
    }
}
