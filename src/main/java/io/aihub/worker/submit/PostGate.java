package io.aihub.worker.submit;

import java.time.Clock;

import io.aihub.worker.aihub.SubmitGate;
import io.smallrye.mutiny.Uni;

/**
 * The last-moment decision on one POST (design.md, "Check at the last moment"): asked once the POST holds its
 * rate-limiter token, it lets the POST through only while the partition's lease permits and is active, counts it as
 * on the wire, and takes that moment as the POST's start for the settle rule (2c).
 */
final class PostGate implements SubmitGate {

    private final Attempts attempts;
    private final Clock clock;

    PostGate(Attempts attempts, Clock clock) {
        this.attempts = attempts;
        this.clock = clock;
    }

    @Override
    public Uni<Boolean> open() {
        return attempts.guard.permit().map(permitted -> {
            if (!permitted || !attempts.guard.tryStartPost()) {
                return false;
            }
            attempts.posts++;
            attempts.lastPostStart = clock.instant();
            if (attempts.firstPostStart == null) {
                attempts.firstPostStart = attempts.lastPostStart;
            }
            return true;
        });
    }

    @Override
    public void closed() {
        attempts.guard.postEnded();
    }

    @Override
    public boolean wanted() {
        return attempts.guard.mayPost();
    }
}
