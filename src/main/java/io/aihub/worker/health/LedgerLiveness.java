package io.aihub.worker.health;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.aihub.worker.ledger.PartitionOwnership;

/**
 * Not alive while an owned partition's ledger could not be read within {@code worker.ledger.restore-timeout}: its
 * records stay parked, so a restart (which hands the partition to a replica that can read it) is the way out.
 */
@Liveness
@ApplicationScoped
public class LedgerLiveness implements HealthCheck {

    private final PartitionOwnership ownership;

    @Inject
    public LedgerLiveness(PartitionOwnership ownership) {
        this.ownership = ownership;
    }

    @Override
    public HealthCheckResponse call() {
        Set<Integer> failed = ownership.failedRestores();
        return HealthCheckResponse.named("ledger-restore")
                .status(failed.isEmpty())
                .withData("failed_partitions", failed.toString())
                .build();
    }
}
