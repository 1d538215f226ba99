package io.aihub.worker.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.aihub.worker.support.WorkerSettings;
import io.smallrye.mutiny.Uni;

/**
 * Commands in backoff give their in-flight slot back while they wait, up to {@code worker.max-in-backoff} of them,
 * and take a slot again before their next call.
 */
class BackoffSlotsTest {

    private final CompletableFuture<Void> waitEnds = new CompletableFuture<>();
    private final Uni<Void> wait = Uni.createFrom().completionStage(waitEnds);

    private static BackoffSlots slots(int maxInBackoff, InFlightWindow window) {
        return slots(maxInBackoff, window, new AcceptedRecords(1_000));
    }

    private static BackoffSlots slots(int maxInBackoff, InFlightWindow window, AcceptedRecords accepted) {
        return new BackoffSlots(WorkerSettings.with(Map.of("worker.max-in-backoff", String.valueOf(maxInBackoff))),
                window, accepted);
    }

    /** Takes a slot for {@code commandId} the way intake does. */
    private static void admit(InFlightWindow window, BackoffSlots slots, String commandId) {
        assertThat(window.admit().subscribeAsCompletionStage()).isDone();
        slots.admitted(commandId);
    }

    @Test
    void a_command_in_backoff_gives_its_slot_back_and_takes_one_again_when_the_wait_is_over() {
        InFlightWindow window = new InFlightWindow(1);
        BackoffSlots slots = slots(10, window);
        admit(window, slots, "c-1");

        CompletableFuture<Void> backoff = slots.outsideWindow("c-1", wait).subscribeAsCompletionStage();
        assertThat(window.inFlight()).isZero();
        assertThat(slots.waiting()).isEqualTo(1);

        waitEnds.complete(null);

        assertThat(backoff).isDone();
        assertThat(window.inFlight()).isEqualTo(1);
        assertThat(slots.waiting()).isZero();
    }

    @Test
    void after_its_wait_a_command_waits_for_a_slot_that_another_command_took_meanwhile() {
        InFlightWindow window = new InFlightWindow(1);
        BackoffSlots slots = slots(10, window);
        admit(window, slots, "c-1");
        CompletableFuture<Void> backoff = slots.outsideWindow("c-1", wait).subscribeAsCompletionStage();
        admit(window, slots, "c-2");

        waitEnds.complete(null);
        assertThat(backoff).isNotDone();
        assertThat(slots.waiting()).isZero();
        window.release(); // c-2 reached its outcome

        assertThat(backoff).isDone();
        assertThat(window.inFlight()).isEqualTo(1);
    }

    @Test
    void when_the_backoff_set_is_full_a_command_keeps_its_slot_while_it_waits() {
        InFlightWindow window = new InFlightWindow(2);
        BackoffSlots slots = slots(1, window);
        admit(window, slots, "c-1");
        admit(window, slots, "c-2");
        slots.outsideWindow("c-1", Uni.createFrom().completionStage(new CompletableFuture<Void>()))
                .subscribeAsCompletionStage();

        CompletableFuture<Void> backoff = slots.outsideWindow("c-2", wait).subscribeAsCompletionStage();
        assertThat(window.inFlight()).isEqualTo(1);
        assertThat(slots.waiting()).isEqualTo(1);

        waitEnds.complete(null);

        assertThat(backoff).isDone();
        assertThat(window.inFlight()).isEqualTo(1);
    }

    @Test
    void while_a_command_waits_in_backoff_intake_may_accept_one_record_more() {
        InFlightWindow window = new InFlightWindow(1);
        AcceptedRecords accepted = new AcceptedRecords(1);
        BackoffSlots slots = slots(10, window, accepted);
        assertThat(accepted.admit().subscribeAsCompletionStage()).isDone();
        admit(window, slots, "c-1");
        CompletableFuture<Void> next = accepted.admit().subscribeAsCompletionStage();
        assertThat(next).isNotDone();

        CompletableFuture<Void> backoff = slots.outsideWindow("c-1", wait).subscribeAsCompletionStage();
        assertThat(next).as("accepted as c-1 went into backoff").isDone();
        assertThat(accepted.inFlight()).isEqualTo(2);

        waitEnds.complete(null);
        assertThat(backoff).isDone();
        accepted.release(); // c-1 is done; the record accepted meanwhile is still working
        CompletableFuture<Void> later = accepted.admit().subscribeAsCompletionStage();
        assertThat(later).as("back to one accepted record once the wait is over").isNotDone();
        accepted.release();
        assertThat(later).isDone();
    }

    @Test
    void a_command_that_keeps_its_slot_in_backoff_gives_intake_no_more_room() {
        InFlightWindow window = new InFlightWindow(1);
        AcceptedRecords accepted = new AcceptedRecords(1);
        BackoffSlots slots = slots(0, window, accepted);
        assertThat(accepted.admit().subscribeAsCompletionStage()).isDone();
        admit(window, slots, "c-1");

        slots.outsideWindow("c-1", wait).subscribeAsCompletionStage();

        assertThat(accepted.admit().subscribeAsCompletionStage()).isNotDone();
    }

    @Test
    void with_no_room_for_backoff_every_command_keeps_its_slot() {
        InFlightWindow window = new InFlightWindow(1);
        BackoffSlots slots = slots(0, window);
        admit(window, slots, "c-1");

        slots.outsideWindow("c-1", wait).subscribeAsCompletionStage();

        assertThat(window.inFlight()).isEqualTo(1);
        assertThat(slots.waiting()).isZero();
    }

    @Test
    void a_command_intake_did_not_admit_holds_no_slot_and_takes_none() {
        InFlightWindow window = new InFlightWindow(1);
        BackoffSlots slots = slots(10, window);
        admit(window, slots, "other");

        CompletableFuture<Void> backoff = slots.outsideWindow("adopted-after-restore", wait)
                .subscribeAsCompletionStage();
        assertThat(window.inFlight()).isEqualTo(1);
        assertThat(slots.waiting()).isZero();
        waitEnds.complete(null);

        assertThat(backoff).isDone();
        assertThat(window.inFlight()).isEqualTo(1);
    }

    @Test
    void a_command_holds_a_slot_until_its_last_admitted_record_has_finished() {
        InFlightWindow window = new InFlightWindow(2);
        BackoffSlots slots = slots(10, window);
        admit(window, slots, "c-1");
        admit(window, slots, "c-1"); // a duplicate record waiting for the first one's claim

        slots.finished("c-1");
        slots.outsideWindow("c-1", Uni.createFrom().completionStage(new CompletableFuture<Void>()))
                .subscribeAsCompletionStage();
        assertThat(window.inFlight()).as("still admitted: the slot is given back").isEqualTo(1);

        slots.finished("c-1");
        slots.outsideWindow("c-1", wait).subscribeAsCompletionStage();
        assertThat(window.inFlight()).as("no longer admitted: nothing to give back").isEqualTo(1);
    }
}
