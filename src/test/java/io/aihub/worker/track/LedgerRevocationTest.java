package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.aihub.worker.submit.SubmissionGuard;

/** A revocation stops new POSTs at once and waits, bounded, for the POSTs already on the wire. */
class LedgerRevocationTest {

    private final Ledger ledger = new Ledger();

    @Test
    void a_revocation_waits_for_the_post_on_the_wire_and_forbids_new_ones_meanwhile() throws Exception {
        ledger.assigned(List.of(1));
        SubmissionGuard guard = ledger.guard(1);
        guard.postStarted();

        long start = System.nanoTime();
        CompletableFuture<Void> revocation = CompletableFuture.runAsync(() -> {
            try {
                ledger.beginRevoke(List.of(1), Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !guard.mayPost());
        assertThat(revocation).isNotDone();
        guard.postEnded();
        revocation.get(5, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(ledger.owns(1)).isTrue();
        ledger.revoked(List.of(1));
        assertThat(ledger.owns(1)).isFalse();
        assertThat(guard.mayPost()).isFalse();
    }

    @Test
    void a_post_that_never_answers_holds_the_revocation_no_longer_than_the_timeout() throws Exception {
        ledger.assigned(List.of(2));
        ledger.guard(2).postStarted();
        long start = System.nanoTime();

        ledger.beginRevoke(List.of(2), Duration.ofMillis(300));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
    }

    @Test
    void a_guard_taken_before_a_reassignment_never_allows_a_post_under_the_new_assignment() {
        ledger.assigned(List.of(3));
        SubmissionGuard before = ledger.guard(3);
        ledger.revoked(List.of(3));
        ledger.assigned(List.of(3));

        assertThat(before.mayPost()).isFalse();
        assertThat(ledger.guard(3).mayPost()).isTrue();
    }
}
