package io.aihub.worker.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A revocation stops new POSTs at once and waits, bounded, for the POSTs already on the wire. */
class LedgerRevocationTest {

    private final PartitionOwnership ownership = new PartitionOwnership();

    private Lease restored(int partition) {
        ownership.assigned(List.of(partition));
        Lease lease = ownership.lease(partition).orElseThrow();
        ownership.restored(lease);
        return lease;
    }

    @Test
    void a_revocation_waits_for_the_post_on_the_wire_and_forbids_new_ones_meanwhile() throws Exception {
        Lease lease = restored(1);
        lease.postStarted();

        long start = System.nanoTime();
        CompletableFuture<Void> revocation = CompletableFuture.runAsync(() -> {
            try {
                ownership.revoking(List.of(1), Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !lease.mayPost());
        assertThat(revocation).isNotDone();
        lease.postEnded();
        revocation.get(5, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(ownership.owns(1)).isTrue();
        ownership.revoked(List.of(1));
        assertThat(ownership.owns(1)).isFalse();
        assertThat(lease.mayPost()).isFalse();
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void a_post_that_never_answers_holds_the_revocation_no_longer_than_the_timeout() throws Exception {
        restored(2).postStarted();
        long start = System.nanoTime();

        ownership.revoking(List.of(2), Duration.ofMillis(300));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
    }

    @Test
    void a_lease_taken_before_a_reassignment_never_allows_a_post_under_the_new_assignment() {
        Lease before = restored(3);
        ownership.revoked(List.of(3));
        Lease after = restored(3);

        assertThat(before.mayPost()).isFalse();
        assertThat(before.isValid()).isFalse();
        assertThat(after.mayPost()).isTrue();
        assertThat(after.epoch()).isGreaterThan(before.epoch());
    }

    @Test
    void no_post_is_allowed_while_the_partition_is_restoring() {
        ownership.assigned(List.of(4));
        Lease lease = ownership.lease(4).orElseThrow();

        assertThat(lease.isRestoring()).isTrue();
        assertThat(lease.mayPost()).isFalse();
        ownership.restored(lease);
        assertThat(lease.mayPost()).isTrue();
    }
}
