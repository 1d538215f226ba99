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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

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
        List<CompletableFuture<Long>> all = new ArrayList<>();
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
    void a_bulk_listing_queued_behind_submissions_and_polls_gets_the_next_share_of_polls() {
        RateLimiter limiter = limiter(200, 1, Duration.ofSeconds(1), 10_000);
        List<CallKind> kinds = new ArrayList<>(Collections.nCopies(100, CallKind.SUBMIT));
        kinds.addAll(Collections.nCopies(20, CallKind.POLL));
        kinds.add(CallKind.LIST);

        List<CallKind> order = grantOrder(limiter, kinds, Collections.synchronizedList(new ArrayList<>()));

        // Not after the 100 submissions queued before it, nor after the 20 polls: at the first grant of the share
        // kept for polls (one in five while submissions wait; the first call takes the only token at once).
        assertThat(order.indexOf(CallKind.LIST)).isEqualTo(5);
        assertThat(order.subList(0, 5)).containsOnly(CallKind.SUBMIT);
    }

    @Test
    void a_pass_asking_for_its_next_page_as_each_is_granted_leaves_every_other_shared_grant_to_polls() {
        RateLimiter limiter = limiter(200, 1, Duration.ofSeconds(1), 10_000);
        List<CallKind> order = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> pass = new CompletableFuture<>();
        limiter.acquire(CallKind.SUBMIT).await().atMost(Duration.ofSeconds(5)); // the only token: the rest queue
        List<CallKind> kinds = new ArrayList<>(Collections.nCopies(100, CallKind.SUBMIT));
        kinds.addAll(Collections.nCopies(20, CallKind.POLL));
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        for (CallKind kind : kinds) {
            queued.add(limiter.acquire(kind).invoke(() -> order.add(kind)).subscribeAsCompletionStage());
        }
        nextPage(limiter, order, 30, pass);

        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
        pass.orTimeout(30, TimeUnit.SECONDS).join();

        // The shared share is one grant in five; of those, lists and polls take turns although a page always waits.
        List<CallKind> shared = order.stream().filter(k -> k != CallKind.SUBMIT).toList().subList(0, 20);
        assertThat(shared).containsExactlyElementsOf(IntStream.range(0, 20)
                .mapToObj(i -> i % 2 == 0 ? CallKind.LIST : CallKind.POLL).toList());
    }

    /** A bulk pass: asks for its next page as soon as one is granted, {@code pages} in all. */
    private static void nextPage(RateLimiter limiter, List<CallKind> order, int pages, CompletableFuture<Void> done) {
        if (pages == 0) {
            done.complete(null);
            return;
        }
        limiter.acquire(CallKind.LIST).subscribe().with(granted -> {
            order.add(CallKind.LIST);
            nextPage(limiter, order, pages - 1, done);
        }, done::completeExceptionally);
    }

    @Test
    void a_burst_of_429s_for_calls_granted_at_the_old_rate_cuts_the_rate_once() throws Exception {
        RateLimiter limiter = limiter(100, 10, Duration.ofMillis(50), 10_000);
        List<Long> grants = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            grants.add(limiter.acquire(CallKind.SUBMIT).subscribeAsCompletionStage().get(5, TimeUnit.SECONDS));
        }

        // The answers come back after a cut and after several recovery intervals: one cut for the whole burst.
        limiter.throttled(grants.get(0));
        Thread.sleep(200); // past four recovery intervals: only the grant times may stop the other cuts
        grants.subList(1, grants.size()).forEach(limiter::throttled);

        assertThat(limiter.currentRate()).isGreaterThanOrEqualTo(50.0);
        long after = limiter.acquire(CallKind.SUBMIT).subscribeAsCompletionStage().get(5, TimeUnit.SECONDS);
        limiter.throttled(after); // a call granted at the lowered rate still answered 429: cut again
        assertThat(limiter.currentRate()).isLessThan(50.0);
    }

    @Test
    void a_waiting_call_nobody_wants_any_more_is_dropped_without_taking_a_token() throws Exception {
        RateLimiter limiter = limiter(1, 1, Duration.ofSeconds(1), 10);
        limiter.acquire(CallKind.SUBMIT).subscribeAsCompletionStage().get(5, TimeUnit.SECONDS); // the only token
        AtomicBoolean wanted = new AtomicBoolean(true);
        CompletableFuture<Long> waiting = limiter.acquire(CallKind.SUBMIT, wanted::get).subscribeAsCompletionStage();

        wanted.set(false);
        limiter.dropUnwanted();

        assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(NotSentException.class);
        assertThat(limiter.waiting()).isZero();
    }

    @Test
    void the_outage_probe_is_served_before_every_queued_call() throws Exception {
        RateLimiter limiter = limiter(2, 1, Duration.ofSeconds(1), 10_000);
        limiter.acquire(CallKind.POLL).subscribeAsCompletionStage().get(5, TimeUnit.SECONDS);
        List<CompletableFuture<Long>> polls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            polls.add(limiter.acquire(CallKind.POLL).subscribeAsCompletionStage());
        }
        CompletableFuture<Long> probe = limiter.acquire(CallKind.PROBE).subscribeAsCompletionStage();

        probe.get(5, TimeUnit.SECONDS);

        // The next token (half a second later) went to the probe, queued last, not to any of the polls before it.
        assertThat(polls).noneMatch(CompletableFuture::isDone);
    }

    @Test
    void a_429_halves_the_rate_and_it_recovers_additively_to_the_configured_rate() {
        RateLimiter limiter = limiter(100, 10, Duration.ofMillis(500), 10_000);

        limiter.throttled(System.nanoTime());
        double lowered = limiter.currentRate();
        limiter.throttled(System.nanoTime()); // a second 429 within the interval does not lower it again

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

        Uni<Long> fourth = limiter.acquire(CallKind.POLL);

        assertThatThrownBy(() -> fourth.await().atMost(Duration.ofSeconds(1)))
                .isInstanceOf(RateLimitRejectedException.class);
        assertThat(limiter.waiting()).isEqualTo(3);
        assertThat(registry.get("aihub.rate.limit.wait").tag("kind", "poll").timer().count()).isEqualTo(1);
    }
}
