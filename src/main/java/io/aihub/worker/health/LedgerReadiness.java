package io.aihub.worker.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.aihub.worker.ledger.PartitionOwnership;

/**
 * Ready only when every assigned partition's ledger is restored. A replica with no partitions is ready, so an idle
 * replica never blocks a rollout. No I/O: it reads in-memory state.
 */
@Readiness
@ApplicationScoped
public class LedgerReadiness implements HealthCheck {

    private final PartitionOwnership ownership;

    @Inject
    public LedgerReadiness(PartitionOwnership ownership) {
        this.ownership = ownership;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ledger")
                .status(!ownership.isRestoring())
                .withData("owned_partitions", ownership.ownedPartitions().toString())
                .withData("restoring_partitions", ownership.restoringPartitions().toString())
                .build();
    }
}
