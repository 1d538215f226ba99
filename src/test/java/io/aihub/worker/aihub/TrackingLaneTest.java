package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

/**
 * Bulk List runs pages share the tracking lane with polls: a backlog of submissions must not starve them, and they
 * must not take more than the tracking share from the submissions either (issue 17, freshness within the budget).
 */
class TrackingLaneTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void list_pages_get_the_tracking_share_while_submissions_wait() {
        RateLimiter limiter = new RateLimiter(vertx, new RateLimiter.Settings(200, 1, 0.2, 0.5, 1, 10,
                Duration.ofSeconds(1), 10_000), new SimpleMeterRegistry());
        List<CallKind> kinds = new ArrayList<>(Collections.nCopies(200, CallKind.SUBMIT));
        kinds.addAll(Collections.nCopies(100, CallKind.LIST));
        List<CallKind> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (CallKind kind : kinds) {
            all.add(limiter.acquire(kind).invoke(() -> order.add(kind)).subscribeAsCompletionStage());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();

        // Queued behind 200 submissions, pages used to wait for all of them; now one grant in five is a page.
        long pages = order.subList(0, 100).stream().filter(k -> k == CallKind.LIST).count();
        assertThat(pages).isBetween(18L, 22L);
        assertThat(order.lastIndexOf(CallKind.SUBMIT)).isLessThan(order.lastIndexOf(CallKind.LIST));
    }
}
