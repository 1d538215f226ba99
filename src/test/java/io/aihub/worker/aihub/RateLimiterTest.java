package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/** The shared token bucket on its own, with real Vert.x timers. */
class RateLimiterTest {

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private RateLimiter limiter(double rps, int burst, Duration recovery, int maxWaiting) {
        return new RateLimiter(vertx, new RateLimiter.Settings(rps, burst, 0.2, 0.5, 1, 10, recovery, maxWaiting),
                registry);
    }

    /** Acquires {@code kinds} in order, all at once, and returns the kinds in the order they were granted. */
    private static List<CallKind> grantOrder(RateLimiter limiter, List<CallKind> kinds, List<Long> times) {
        List<CallKind> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (CallKind kind : kinds) {
            all.add(limiter.acquire(kind).invoke(() -> {
                order.add(kind);
                times.add(System.nanoTime());
            }).subscribeAsCompletionStage());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        return order;
    }

    @Test
    void no_one_second_window_holds_more_grants_than_the_configured_rate() {
        RateLimiter limiter = limiter(100, 40, Duration.ofSeconds(1), 10_000);
        List<Long> times = Collections.synchronizedList(new ArrayList<>());

        grantOrder(limiter, Collections.nCopies(250, CallKind.SUBMIT), times);

        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        int most = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= 1_000_000_000L) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        assertThat(most).isLessThanOrEqualTo(100);
        assertThat(Duration.ofNanos(sorted.get(sorted.size() - 1) - sorted.get(0))).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void while_submissions_saturate_the_bucket_polls_still_get_their_share() {
        RateLimiter limiter = limiter(200, 1, Duration.ofSeconds(1), 10_000);
        List<CallKind> kinds = new ArrayList<>(Collections.nCopies(200, CallKind.SUBMIT));
        kinds.addAll(Collections.nCopies(100, CallKind.POLL));

        List<CallKind> order = grantOrder(limiter, kinds, Collections.synchronizedList(new ArrayList<>()));

        // Of the first 100 grants, one in five goes to a poll although 200 submissions wait.
        long polls = order.subList(0, 100).stream().filter(k -> k == CallKind.POLL).count();
        assertThat(polls).isBetween(18L, 22L);
        // Submissions come first otherwise: the last of them is granted before the last poll.
        assertThat(order.lastIndexOf(CallKind.SUBMIT)).isLessThan(order.lastIndexOf(CallKind.POLL));
    }

    @Test
    void a_429_halves_the_rate_and_it_recovers_additively_to_the_configured_rate() {
        RateLimiter limiter = limiter(100, 10, Duration.ofMillis(500), 10_000);

        limiter.throttled();
        double lowered = limiter.currentRate();
        limiter.throttled(); // a second 429 within the interval does not lower it again

        assertThat(lowered).isEqualTo(50.0);
        assertThat(limiter.currentRate()).isEqualTo(50.0);
        await().atMost(Duration.ofSeconds(2)).until(() -> limiter.currentRate() > 50.0 && limiter.currentRate() < 100.0);
        await().atMost(Duration.ofSeconds(8)).until(() -> limiter.currentRate() == 100.0);
        assertThat(registry.get("aihub.rate.limit.requests.per.second").gauge().value()).isEqualTo(100.0);
    }

    @Test
    void calls_beyond_the_waiting_limit_fail_as_refused_before_sending() {
        RateLimiter limiter = limiter(1, 1, Duration.ofSeconds(1), 3);
        limiter.acquire(CallKind.POLL).await().atMost(Duration.ofSeconds(1)); // takes the only token
        for (int i = 0; i < 3; i++) {
            limiter.acquire(CallKind.POLL).subscribe().with(ok -> {
            });
        }

        Uni<Void> fourth = limiter.acquire(CallKind.POLL);

        assertThatThrownBy(() -> fourth.await().atMost(Duration.ofSeconds(1)))
                .isInstanceOf(RateLimitRejectedException.class);
        assertThat(limiter.waiting()).isEqualTo(3);
        assertThat(registry.get("aihub.rate.limit.wait").tag("kind", "poll").timer().count()).isEqualTo(1);
    }
}
