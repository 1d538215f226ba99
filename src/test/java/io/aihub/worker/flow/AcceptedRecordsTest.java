package io.aihub.worker.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.aihub.worker.support.WorkerSettings;

/** Intake's bound on records taken in and not finished: twice the in-flight window, whatever max-in-backoff is. */
class AcceptedRecordsTest {

    @Test
    void intake_accepts_twice_the_in_flight_window_and_the_next_record_waits_for_one_to_finish() {
        AcceptedRecords accepted = new AcceptedRecords(WorkerSettings.with(Map.of("worker.max-in-flight", "3",
                "worker.max-in-backoff", "100")));

        List<CompletableFuture<Void>> admissions = Stream.generate(() -> accepted.admit().subscribeAsCompletionStage())
                .limit(7).toList();

        assertThat(admissions).extracting(CompletableFuture::isDone).containsExactly(true, true, true, true, true,
                true, false);
        accepted.release();
        assertThat(admissions.get(6)).isDone();
        assertThat(accepted.inFlight()).isEqualTo(6);
    }
}
