package io.aihub.worker.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.aihub.worker.ledger.PartitionOwnership;

/**
 * Readiness follows the ledger restores: up with nothing assigned, down while a partition restores. Liveness fails
 * only for a restore that ran out of its budget, and only while the partition is still owned.
 */
class LedgerHealthTest {

    private final PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(5));
    private final LedgerReadiness readiness = new LedgerReadiness(ownership);
    private final LedgerLiveness liveness = new LedgerLiveness(ownership);

    @Test
    void an_idle_replica_with_no_partitions_is_ready_so_it_never_blocks_a_rollout() {
        HealthCheckResponse response = readiness.call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("owned_partitions", "[]");
    }

    @Test
    void readiness_is_down_while_a_partition_is_restoring_and_up_once_restored() {
        ownership.assigned(List.of(3));

        HealthCheckResponse restoring = readiness.call();
        ownership.restored(ownership.lease(3).orElseThrow());
        HealthCheckResponse restored = readiness.call();

        assertThat(restoring.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(restoring.getData().orElseThrow()).containsEntry("restoring_partitions", "[3]");
        assertThat(restored.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(restored.getData().orElseThrow()).containsEntry("owned_partitions", "[3]");
    }

    @Test
    void a_restore_out_of_budget_fails_liveness_until_the_partition_is_handed_over() {
        ownership.assigned(List.of(1, 2));
        ownership.restored(ownership.lease(1).orElseThrow());
        HealthCheckResponse before = liveness.call();

        ownership.restoreFailed(ownership.lease(2).orElseThrow());
        HealthCheckResponse failed = liveness.call();
        ownership.revoked(List.of(2));
        HealthCheckResponse handedOver = liveness.call();

        assertThat(before.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(failed.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(failed.getData().orElseThrow()).containsEntry("failed_partitions", "[2]");
        assertThat(handedOver.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void a_failure_reported_under_an_ended_lease_does_not_fail_the_new_one() {
        ownership.assigned(List.of(4));
        var old = ownership.lease(4).orElseThrow();
        ownership.assigned(List.of(4));

        ownership.restoreFailed(old);

        assertThat(liveness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
