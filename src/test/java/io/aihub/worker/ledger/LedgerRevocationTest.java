package io.aihub.worker.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * The one ownership concept: a lease per assignment; a revocation stops new POSTs at once and waits, bounded, for
 * the POSTs on the wire and the writes under way; work of an earlier epoch, or of a replica whose membership went
 * stale, never acts.
 */
class LedgerRevocationTest {

    private final PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(5));

    private Lease restored(int partition) {
        ownership.assigned(List.of(partition));
        Lease lease = ownership.lease(partition).orElseThrow();
        ownership.restored(lease);
        return lease;
    }

    private static long in(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    @Test
    void a_revocation_waits_for_the_post_on_the_wire_and_forbids_new_ones_meanwhile() throws Exception {
        Lease lease = restored(1);
        assertThat(lease.tryStartPost()).isTrue();

        long start = System.nanoTime();
        CompletableFuture<Void> revocation = CompletableFuture.runAsync(() -> {
            try {
                ownership.revoking(List.of(1));
                ownership.awaitPostsOnWire(List.of(1), in(Duration.ofSeconds(10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !lease.mayPost());
        assertThat(lease.tryStartPost()).isFalse();
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
        assertThat(restored(2).tryStartPost()).isTrue();
        long start = System.nanoTime();

        ownership.revoking(List.of(2));
        ownership.awaitPostsOnWire(List.of(2), in(Duration.ofMillis(300)));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
    }

    @Test
    void a_lease_taken_before_a_reassignment_never_allows_a_post_or_a_write_under_the_new_assignment() {
        Lease before = restored(3);
        ownership.revoked(List.of(3));
        Lease after = restored(3);

        assertThat(before.mayPost()).isFalse();
        assertThat(before.isValid()).isFalse();
        assertThat(before.permit().await().atMost(Duration.ofSeconds(1))).isFalse();
        assertThat(after.mayPost()).isTrue();
        assertThat(after.permit().await().atMost(Duration.ofSeconds(1))).isTrue();
        assertThat(after.epoch()).isGreaterThan(before.epoch());
    }

    @Test
    void no_post_is_allowed_while_the_partition_is_restoring() {
        ownership.assigned(List.of(4));
        Lease lease = ownership.lease(4).orElseThrow();

        assertThat(lease.isRestoring()).isTrue();
        assertThat(lease.tryStartPost()).isFalse();
        ownership.restored(lease);
        assertThat(lease.tryStartPost()).isTrue();
    }

    @Test
    void a_fence_refuses_new_writes_and_waits_for_the_ones_under_way() throws Exception {
        Lease lease = restored(5);
        CompletableFuture<Void> broker = new CompletableFuture<>();
        CompletableFuture<Void> underWay = lease.write(() -> Uni.createFrom().completionStage(broker))
                .subscribeAsCompletionStage();

        CompletableFuture<Void> fence = CompletableFuture.runAsync(() -> {
            try {
                ownership.fence(List.of(5), in(Duration.ofSeconds(10)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> !lease.isValid());
        AtomicBoolean written = new AtomicBoolean();
        CompletableFuture<Void> refused = lease.write(() -> Uni.createFrom().voidItem().invoke(() -> written.set(true)))
                .subscribeAsCompletionStage();

        assertThat(refused).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(Exception.class)
                .withCauseInstanceOf(LeaseEndedException.class);
        assertThat(written).isFalse();
        assertThat(fence).isNotDone();
        broker.complete(null);
        fence.get(5, TimeUnit.SECONDS);
        assertThat(underWay).isCompleted();
    }

    @Test
    void after_a_pause_of_the_jvm_nothing_acts_until_membership_is_confirmed() throws Exception {
        PartitionOwnership paused = new PartitionOwnership(Duration.ofMillis(100));
        paused.assigned(List.of(6));
        Lease lease = paused.lease(6).orElseThrow();
        paused.restored(lease);
        paused.heartbeat(System.nanoTime() - Duration.ofSeconds(1).toNanos()); // the last tick was long ago

        CompletableFuture<Boolean> permit = lease.permit().subscribeAsCompletionStage();

        assertThat(lease.tryStartPost()).isFalse();
        assertThat(permit).isNotDone();
        paused.suspend();
        paused.membershipConfirmed();
        assertThat(permit.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(lease.tryStartPost()).isTrue();
    }

    @Test
    void work_waiting_after_a_pause_is_refused_when_the_partition_turns_out_lost() throws Exception {
        PartitionOwnership paused = new PartitionOwnership(Duration.ofMillis(100));
        paused.assigned(List.of(7));
        Lease lease = paused.lease(7).orElseThrow();
        paused.restored(lease);
        paused.suspend();

        CompletableFuture<Boolean> permit = lease.permit().subscribeAsCompletionStage();
        paused.revoked(List.of(7));

        assertThat(permit.get(1, TimeUnit.SECONDS)).isFalse();
    }
}
