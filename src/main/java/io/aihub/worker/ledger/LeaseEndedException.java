package io.aihub.worker.ledger;

/**
 * Work of a partition's lease that ended (the partition was revoked or lost, or this replica's membership went
 * stale) tried to act: nothing was written; the partition's next owner acts instead. Not a failure of the outcome.
 */
public final class LeaseEndedException extends RuntimeException {

    public LeaseEndedException(Lease lease) {
        super(lease + " has ended: nothing was written", null, false, false);
    }
}
