package io.aihub.worker.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The bounded number of commands in flight, driven by hand: every admission and release is explicit. */
class InFlightWindowTest {

    private static CompletableFuture<Void> admit(InFlightWindow window) {
        return window.admit().subscribeAsCompletionStage();
    }

    @Test
    void admissions_up_to_the_limit_complete_at_once_and_the_next_one_waits() {
        InFlightWindow window = new InFlightWindow(2);

        CompletableFuture<Void> first = admit(window);
        CompletableFuture<Void> second = admit(window);
        CompletableFuture<Void> third = admit(window);

        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(third).isNotDone();
        assertThat(window.inFlight()).isEqualTo(2);
    }

    @Test
    void a_released_slot_goes_to_the_longest_waiting_admission_first() {
        InFlightWindow window = new InFlightWindow(1);
        admit(window);
        List<CompletableFuture<Void>> waiting = Stream.generate(() -> admit(window)).limit(3).toList();

        window.release();
        assertThat(waiting).extracting(CompletableFuture::isDone).containsExactly(true, false, false);
        window.release();
        assertThat(waiting).extracting(CompletableFuture::isDone).containsExactly(true, true, false);
        window.release();
        assertThat(waiting).extracting(CompletableFuture::isDone).containsExactly(true, true, true);
        // Each slot was handed over, never given back in between.
        assertThat(window.inFlight()).isEqualTo(1);
    }

    @Test
    void a_widened_window_admits_the_longest_waiting_admission_at_once() {
        InFlightWindow window = new InFlightWindow(1);
        admit(window);
        List<CompletableFuture<Void>> waiting = Stream.generate(() -> admit(window)).limit(2).toList();

        window.widen();

        assertThat(waiting).extracting(CompletableFuture::isDone).containsExactly(true, false);
        assertThat(window.inFlight()).isEqualTo(2);
    }

    @Test
    void a_hand_over_inside_another_windows_hand_over_completes_in_its_own_window() {
        InFlightWindow accepted = new InFlightWindow(1);
        InFlightWindow slots = new InFlightWindow(1);
        admit(slots);
        CompletableFuture<Void> waitingForSlot = admit(slots);
        admit(accepted);
        // The next accepted record frees a slot at once (a duplicate); then the waiting command's subscriber goes
        // away. Queued in the accepted window's loop instead, the cancelled waiter was released into that window.
        accepted.admit().subscribe().with(ignored -> {
            slots.release();
            waitingForSlot.cancel(false);
        });

        accepted.release();

        assertThat(waitingForSlot).as("the slot reached the waiter in its turn").isCompleted();
        assertThat(slots.inFlight()).isEqualTo(1);
        assertThat(accepted.inFlight()).isEqualTo(1);
    }

    @Test
    void a_narrowed_window_passes_no_slot_on_until_it_is_below_its_limit_again() {
        InFlightWindow window = new InFlightWindow(1);
        window.widen();
        admit(window);
        admit(window);
        CompletableFuture<Void> waiting = admit(window);

        window.narrow();
        window.release();
        assertThat(waiting).as("two in flight over a limit of one: the slot is given back").isNotDone();
        assertThat(window.inFlight()).isEqualTo(1);
        window.release();

        assertThat(waiting).isDone();
        assertThat(window.inFlight()).isEqualTo(1);
    }

    @Test
    void a_release_without_waiters_frees_the_slot() {
        InFlightWindow window = new InFlightWindow(1);
        admit(window);

        window.release();

        assertThat(window.inFlight()).isZero();
        assertThat(admit(window)).isDone();
    }

    @Test
    void when_idle_completes_at_once_with_nothing_in_flight() {
        assertThat(new InFlightWindow(3).whenIdle()).isDone();
    }

    @Test
    void when_idle_completes_when_the_last_slot_is_released_and_not_while_a_slot_is_handed_over() {
        InFlightWindow window = new InFlightWindow(1);
        admit(window);
        admit(window);
        CompletableFuture<Void> idle = window.whenIdle();

        window.release(); // handed over to the waiting admission: still one in flight
        assertThat(idle).isNotDone();
        window.release();

        assertThat(idle).isDone();
        assertThat(window.inFlight()).isZero();
    }

    @Test
    void waiting_counts_the_admissions_still_waiting_for_a_slot_not_those_cancelled() {
        InFlightWindow window = new InFlightWindow(1);
        admit(window);
        CompletableFuture<Void> cancelled = admit(window);
        admit(window);

        cancelled.cancel(false);

        assertThat(window.waiting()).isEqualTo(1);
        window.release();
        assertThat(window.waiting()).isZero();
    }

    @Test
    void thousands_of_waiters_whose_work_ends_at_once_are_admitted_in_turn_without_deepening_the_stack() {
        InFlightWindow window = new InFlightWindow(1);
        admit(window);
        List<Integer> admitted = new ArrayList<>();
        int waiters = 100_000;
        for (int i = 0; i < waiters; i++) {
            int index = i;
            // Work that is over as soon as it is admitted (a duplicate command) gives its slot back at once.
            window.admit().subscribe().with(ok -> {
                admitted.add(index);
                window.release();
            });
        }

        window.release();

        assertThat(admitted).hasSize(waiters).isSorted();
        assertThat(window.inFlight()).isZero();
        assertThat(window.waiting()).isZero();
    }

    @Test
    void a_limit_below_one_is_refused_with_the_setting_to_fix() {
        assertThatThrownBy(() -> new InFlightWindow(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("worker.max-in-flight must be at least 1");
    }
}
