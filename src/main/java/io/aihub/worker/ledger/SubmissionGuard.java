package io.aihub.worker.ledger;

import io.smallrye.mutiny.Uni;

/**
 * What a submission may do on behalf of its partition (design.md, rule 2d): send a POST only while the partition
 * is held, not being revoked, and this replica's membership is fresh; POSTs on the wire are counted, so a
 * revocation can wait for them before the partition moves on.
 */
public interface SubmissionGuard {

    /** True while a new POST may be sent. */
    boolean mayPost();

    /** Completes when the partition's owner may act, with false once it may not any more (see {@link Lease#permit}). */
    Uni<Boolean> permit();

    /**
     * Takes the decision to send a POST now: true (and the POST is counted as on the wire) while a POST may be sent,
     * atomically with a revocation's count of POSTs on the wire.
     */
    boolean tryStartPost();

    /** A POST {@link #tryStartPost()} let through has its answer, or failed. */
    void postEnded();

    /** A guard that always allows; for searches outside any partition's submission. */
    SubmissionGuard ALWAYS = new SubmissionGuard() {
        @Override
        public boolean mayPost() {
            return true;
        }

        @Override
        public Uni<Boolean> permit() {
            return Uni.createFrom().item(true);
        }

        @Override
        public boolean tryStartPost() {
            return true;
        }

        @Override
        public void postEnded() {
        }
    };
}
