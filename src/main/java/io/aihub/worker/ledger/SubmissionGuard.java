package io.aihub.worker.ledger;

/**
 * What a submission may do on behalf of its partition (design.md, rule 2d): send a POST only while the partition
 * is held and not being revoked, and report POSTs on the wire, so a revocation can wait for them before the
 * partition moves on.
 */
public interface SubmissionGuard {

    /** True while a new POST may be sent. */
    boolean mayPost();

    /** A POST is about to be sent. */
    void postStarted();

    /** A POST has its answer, or failed. */
    void postEnded();

    /** A guard that always allows; for callers outside any partition. */
    SubmissionGuard ALWAYS = new SubmissionGuard() {
        @Override
        public boolean mayPost() {
            return true;
        }

        @Override
        public void postStarted() {
        }

        @Override
        public void postEnded() {
        }
    };
}
