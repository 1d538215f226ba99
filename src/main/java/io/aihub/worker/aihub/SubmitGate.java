package io.aihub.worker.aihub;

import io.smallrye.mutiny.Uni;

/**
 * What a submission's owner decides at the last moment (design.md, "Check at the last moment"): the client asks
 * {@link #open()} once the call holds its rate-limiter token, immediately before the request is written, and
 * {@link #closed()} once it has its answer or failed; {@link #wanted()} lets the rate limiter drop a submission
 * that waits for a token after its partition moved.
 */
public interface SubmitGate {

    /** True to write the request now (the owner records the POST's start); false: nothing is sent. */
    Uni<Boolean> open();

    /** The request that {@link #open()} let through has its answer, or failed. */
    void closed();

    /** False once nobody wants the submission any more (its partition is being revoked). */
    boolean wanted();

    /** A gate that always opens: for a submission that acts for no partition. */
    static SubmitGate always() {
        return new SubmitGate() {
            @Override
            public Uni<Boolean> open() {
                return Uni.createFrom().item(true);
            }

            @Override
            public void closed() {
            }

            @Override
            public boolean wanted() {
                return true;
            }
        };
    }
}
