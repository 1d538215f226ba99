package io.aihub.worker.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.Input;
import io.aihub.worker.command.ResultsRequest;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.command.Target;
import io.aihub.worker.event.EventData;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.support.RunCommands;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;

/**
 * Ledger snapshots built from a command, the command read back from them when tracking resumes, and their JSON on
 * the compacted topic.
 */
class LedgerRecordsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecretMasking MASKING = SecretMasking.valuesOnly();
    private static final long NOW = 1_764_670_530_123L;
    private static final Instant EVENT_TIME = Instant.ofEpochMilli(NOW + 500);

    private static final List<Target> TARGETS = List.of(
            new Target.AppByName("invoice-app", Optional.empty()),
            new Target.AppByName("marketplace-app", Optional.of("instabase")),
            new Target.AppById("app-id-1", Optional.empty()),
            new Target.AppById("app-id-2", Optional.of("acme")),
            new Target.Deployment("dep-1"));

    private static final List<Input> INPUTS = List.of(
            new Input.Batch(42),
            new Input.Folder("drive/in"),
            new Input.Upstream(OptionalLong.empty(), OptionalLong.empty()),
            new Input.Upstream(OptionalLong.of(1_000), OptionalLong.of(2_000)));

    static Stream<Arguments> everyTargetWithEveryInput() {
        return TARGETS.stream().flatMap(target -> INPUTS.stream().map(input -> Arguments.of(target, input)));
    }

    /** Every combination of the four {@code include_*} flags, with results asked for. */
    static Stream<ResultsRequest> everyResultsRequest() {
        return IntStream.range(0, 16).mapToObj(bits -> new ResultsRequest(true, (bits & 1) != 0, (bits & 2) != 0,
                (bits & 4) != 0, (bits & 8) != 0));
    }

    /** A command with everything a command may hold, secrets and settings included. */
    private static RunCommand fullCommand() {
        ObjectNode settings = JsonNodeFactory.instance.objectNode();
        settings.put("pdf_password", "pdf-pass-1");
        settings.putArray("tags").add("mine");
        return RunCommands.command("c-1").target(new Target.AppByName("invoice-app", Optional.of("instabase")))
                .input(new Input.Batch(42)).version("3.1.0").outputWorkspace("ws").outputDir("out/c-1")
                .settings(settings).ibContext("org-ctx").metadata(Map.of("team", "ap"))
                .results(new ResultsRequest(true, true, false, false, true)).secrets("pdf-pass-1", "sk-live-9")
                .build();
    }

    private static StatusEvent submitted(RunCommand command) {
        Run run = new Run("run-1", "RUNNING", 1L, null, "password pdf-pass-1 accepted", 42L, null, null, null,
                List.of(command.runTag()));
        return EventFactory.forRun(command, 1, EventType.SUBMITTED, run, Optional.empty(), 1, EVENT_TIME);
    }

    private static LedgerRecord tracking(RunCommand command) {
        return LedgerRecords.ofRun(command, "hash-1", LedgerRecord.State.TRACKING, "RUNNING", "run-1",
                submitted(command), 1, NOW, NOW + 500, NOW + 600);
    }

    private static LedgerRecord jsonRoundTrip(LedgerRecord record) throws Exception {
        return JSON.readValue(JSON.writeValueAsBytes(record), LedgerRecord.class);
    }

    @Test
    void the_intent_to_post_holds_the_command_its_record_offset_and_the_time_of_its_first_attempt() {
        LedgerRecord record = LedgerRecords.submitting(fullCommand(), "hash-1", 0, 41, NOW);

        assertThat(record.state()).isEqualTo(LedgerRecord.State.SUBMITTING);
        assertThat(record.sourceOffset()).isEqualTo(41);
        assertThat(record.version()).isEqualTo(LedgerRecord.VERSION);
        assertThat(record.commandId()).isEqualTo("c-1");
        assertThat(record.sequence()).isZero();
        assertThat(record.firstAttemptAt()).isEqualTo(NOW);
        assertThat(record.lastAttemptAt()).isEqualTo(NOW);
        assertThat(record.updatedAt()).isEqualTo(NOW);
        assertThat(record.commandHash()).isEqualTo("hash-1");
        assertThat(record.runId()).isNull();
        assertThat(record.eventType()).isNull();
        assertThat(record.event()).isNull();
    }

    @Test
    void a_tracked_run_keeps_its_event_so_that_a_restore_can_publish_it_again() {
        RunCommand command = fullCommand();
        StatusEvent event = submitted(command);

        LedgerRecord record = tracking(command);

        assertThat(record.state()).isEqualTo(LedgerRecord.State.TRACKING);
        assertThat(record.status()).isEqualTo("RUNNING");
        assertThat(record.runId()).isEqualTo("run-1");
        assertThat(record.sequence()).isEqualTo(1);
        assertThat(record.eventType()).isEqualTo("aihub.run.submitted");
        assertThat(record.eventTime()).isEqualTo(EVENT_TIME.toEpochMilli());
        assertThat(record.event()).isEqualTo(event.data());
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.firstAttemptAt()).isEqualTo(NOW);
        assertThat(record.trackingSince()).isEqualTo(NOW + 500);
        assertThat(record.updatedAt()).isEqualTo(NOW + 600);
    }

    @Test
    void a_failed_submission_ends_the_command_without_a_run() {
        RunCommand command = fullCommand();
        StatusEvent failed = EventFactory.forFailure(command, 1, EventType.SUBMISSION_FAILED, Optional.empty(),
                Optional.empty(), 6, new EventData.Error("RETRIES_EXHAUSTED", 503, "unavailable"), EVENT_TIME);

        LedgerRecord record = LedgerRecords.submissionFailed(command, "hash-1", failed, 6, NOW, NOW + 900);

        assertThat(record.state()).isEqualTo(LedgerRecord.State.ENDED);
        assertThat(record.status()).isEqualTo("SUBMISSION_FAILED");
        assertThat(record.runId()).isNull();
        assertThat(record.eventType()).isEqualTo("aihub.run.submission_failed");
        assertThat(record.attempts()).isEqualTo(6);
        assertThat(record.firstAttemptAt()).isEqualTo(NOW);
        assertThat(record.updatedAt()).isEqualTo(NOW + 900);
    }

    @Test
    void a_rejected_record_holds_only_the_id_the_hash_and_its_sequence_on_the_wire() throws Exception {
        LedgerRecord record = LedgerRecords.rejected("c-9", 1, "hash-9", NOW);

        assertThat(JSON.readTree(JSON.writeValueAsBytes(record))).isEqualTo(JSON.readTree("""
                {"version": 1, "command_id": "c-9", "state": "REJECTED", "status": "REJECTED", "sequence": 1,
                 "attempts": 0, "command_hash": "hash-9", "updated_at": 1764670530123}"""));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("everyTargetWithEveryInput")
    void the_command_read_back_from_its_record_has_the_same_target_input_context_and_metadata(Target target,
            Input input) {
        RunCommand command = RunCommands.command("c-1").target(target).input(input).ibContext("org-ctx")
                .metadata(Map.of("team", "ap")).build();

        RunCommand back = LedgerRecords.command(LedgerRecords.submitting(command, "hash-1", 0, 0, NOW), MASKING);

        // The secrets are an object that masks (no value equality); a command without secrets has none back.
        assertThat(back).usingRecursiveComparison().ignoringFields("secrets").isEqualTo(command);
        assertThat(back.secrets().values()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("everyResultsRequest")
    void the_results_request_and_its_include_flags_come_back_from_the_record(ResultsRequest results) {
        RunCommand command = RunCommands.command("c-1").results(results).build();

        assertThat(LedgerRecords.command(tracking(command), MASKING).results()).isEqualTo(results);
    }

    @Test
    void the_record_names_the_include_flags_that_are_on_and_nothing_when_results_are_not_asked_for() {
        LedgerRecord asked = tracking(fullCommand());
        LedgerRecord notAsked = tracking(RunCommands.command("c-2")
                .results(new ResultsRequest(false, true, true, true, true)).build());

        assertThat(asked.publishResults()).isTrue();
        assertThat(asked.resultsInclude()).containsExactly("review_results", "source_info");
        assertThat(notAsked.publishResults()).isNull();
        assertThat(notAsked.resultsInclude()).isNull();
        assertThat(LedgerRecords.command(notAsked, MASKING).results()).isEqualTo(ResultsRequest.NONE);
    }

    @Test
    void settings_secrets_version_and_outputs_stay_out_of_the_record() throws Exception {
        LedgerRecord record = tracking(fullCommand());
        String json = JSON.writeValueAsString(record);

        assertThat(json).doesNotContain("pdf-pass-1", "sk-live-9", "pdf_password", "settings", "secret", "3.1.0",
                "out/c-1");
        RunCommand back = LedgerRecords.command(record, MASKING);
        assertThat(back.settings()).isEmpty();
        assertThat(back.secrets().values()).isEmpty();
        assertThat(back.version()).isEmpty();
        assertThat(back.outputWorkspace()).isEmpty();
        assertThat(back.outputDir()).isEmpty();
    }

    @Test
    void every_kind_of_record_reads_back_equal_from_its_json() throws Exception {
        RunCommand command = fullCommand();
        StatusEvent failed = EventFactory.forFailure(command, 2, EventType.SUBMISSION_FAILED, Optional.empty(),
                Optional.empty(), 6, new EventData.Error("RETRIES_EXHAUSTED", 503, "unavailable"), EVENT_TIME);
        List<LedgerRecord> records = List.of(
                LedgerRecords.submitting(command, "hash-1", 0, 0, NOW),
                tracking(command),
                LedgerRecords.submissionFailed(command, "hash-1", failed, 6, NOW, NOW + 900),
                LedgerRecords.rejected("c-9", 1, "hash-9", NOW));

        for (LedgerRecord record : records) {
            assertThat(jsonRoundTrip(record)).isEqualTo(record);
        }
    }

    @Test
    void a_record_with_a_field_a_newer_version_added_still_reads() throws Exception {
        LedgerRecord record = JSON.readValue("""
                {"version": 2, "command_id": "c-9", "state": "ENDED", "status": "COMPLETE", "sequence": 3,
                 "run_id": "run-9", "attempts": 1, "updated_at": 5, "added_later": {"x": 1}}""", LedgerRecord.class);

        assertThat(record.commandId()).isEqualTo("c-9");
        assertThat(record.state()).isEqualTo(LedgerRecord.State.ENDED);
        assertThat(record.runId()).isEqualTo("run-9");
    }

    @Test
    void the_record_carries_the_trace_of_the_command_it_was_written_in() {
        SpanContext span = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                TraceFlags.getSampled(), TraceState.getDefault());
        LedgerRecord traced;
        try (Scope scope = Span.wrap(span).makeCurrent()) {
            traced = LedgerRecords.submitting(fullCommand(), "hash-1", 0, 0, NOW);
        }

        assertThat(traced.traceparent()).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(LedgerRecords.submitting(fullCommand(), "hash-1", 0, 0, NOW).traceparent()).isNull();
    }

    @Test
    void the_hash_of_a_command_is_its_sha_256_in_hex() {
        assertThat(LedgerRecords.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(LedgerRecords.hash((byte[]) null))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
