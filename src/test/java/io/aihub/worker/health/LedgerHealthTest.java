package io.aihub.worker.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.aihub.worker.ledger.PartitionOwnership;

/** Readiness follows the ledger restores: up with nothing assigned, down while a partition restores. */
class LedgerReadinessTest {

    private final PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(5));
    private final LedgerReadiness readiness = new LedgerReadiness(ownership);

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
}
