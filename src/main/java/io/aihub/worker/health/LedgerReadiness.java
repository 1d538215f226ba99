package io.aihub.worker.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.aihub.worker.track.Ledger;

/**
 * Ready only when every assigned partition's ledger is restored. A replica with no partitions is ready, so an idle
 * replica never blocks a rollout. No I/O: it reads in-memory state.
 */
@Readiness
@ApplicationScoped
public class LedgerReadiness implements HealthCheck {

    private final Ledger ledger;

    @Inject
    public LedgerReadiness(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ledger")
                .status(!ledger.isRestoring())
                .withData("owned_partitions", ledger.ownedPartitions().toString())
                .withData("restoring_partitions", ledger.restoringPartitions().toString())
                .build();
    }
}
