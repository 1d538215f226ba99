package io.aihub.worker.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** Intake's claim on a command ID (design.md, rule 2b): work for one ID never overlaps. */
class CommandClaimsTest {

    private final CommandClaims claims = new CommandClaims();
    private final List<String> started = new CopyOnWriteArrayList<>();

    /** Work that notes its start and ends when {@code end} completes. */
    private Supplier<Uni<Void>> work(String name, CompletableFuture<Void> end) {
        return () -> {
            started.add(name);
            return Uni.createFrom().completionStage(end);
        };
    }

    private CompletableFuture<Void> claim(String commandId, Supplier<Uni<Void>> work) {
        return claims.withClaim(commandId, work).subscribeAsCompletionStage();
    }

    @Test
    void a_second_record_with_the_same_id_waits_until_the_first_has_finished() {
        CompletableFuture<Void> firstEnds = new CompletableFuture<>();
        CompletableFuture<Void> first = claim("c-1", work("first", firstEnds));
        CompletableFuture<Void> second = claim("c-1", work("second", CompletableFuture.completedFuture(null)));
        assertThat(started).containsExactly("first");
        assertThat(second).isNotDone();

        firstEnds.complete(null);

        assertThat(first).isDone();
        assertThat(started).containsExactly("first", "second");
        assertThat(second).isDone();
    }

    @Test
    void claims_on_one_id_queue_up_behind_each_other() {
        CompletableFuture<Void> firstEnds = new CompletableFuture<>();
        CompletableFuture<Void> secondEnds = new CompletableFuture<>();
        claim("c-1", work("first", firstEnds));
        claim("c-1", work("second", secondEnds));
        claim("c-1", work("third", new CompletableFuture<>()));

        firstEnds.complete(null);
        assertThat(started).containsExactly("first", "second");
        secondEnds.complete(null);

        assertThat(started).containsExactly("first", "second", "third");
    }

    @Test
    void the_failure_of_the_first_still_releases_the_claim_and_is_not_passed_to_the_second() {
        CompletableFuture<Void> firstEnds = new CompletableFuture<>();
        CompletableFuture<Void> first = claim("c-1", work("first", firstEnds));
        CompletableFuture<Void> second = claim("c-1", work("second", CompletableFuture.completedFuture(null)));

        firstEnds.completeExceptionally(new IllegalStateException("ledger write failed"));

        assertThat(first).isCompletedExceptionally();
        assertThat(started).containsExactly("first", "second");
        assertThat(second).isDone().isNotCompletedExceptionally();
    }

    @Test
    void work_that_throws_instead_of_failing_still_releases_the_claim() {
        CompletableFuture<Void> first = claim("c-1", () -> {
            throw new IllegalStateException("thrown, not failed");
        });
        claim("c-1", work("second", new CompletableFuture<>()));

        assertThat(first).isCompletedExceptionally();
        assertThat(started).containsExactly("second");
    }

    @Test
    void other_ids_do_not_wait() {
        claim("c-1", work("c-1", new CompletableFuture<>()));
        claim("c-2", work("c-2", new CompletableFuture<>()));

        assertThat(started).containsExactly("c-1", "c-2");
        assertThat(claims.size()).isEqualTo(2);
    }

    @Test
    void an_id_is_forgotten_once_its_last_claim_has_finished() {
        CompletableFuture<Void> firstEnds = new CompletableFuture<>();
        CompletableFuture<Void> secondEnds = new CompletableFuture<>();
        claim("c-1", work("first", firstEnds));
        claim("c-1", work("second", secondEnds));

        firstEnds.complete(null);
        assertThat(claims.size()).isEqualTo(1);
        secondEnds.completeExceptionally(new IllegalStateException("failed"));

        assertThat(claims.size()).isZero();
    }

    @Test
    void a_claim_on_several_ids_waits_for_each_earlier_claim_and_holds_back_later_ones() {
        CompletableFuture<Void> firstEnds = new CompletableFuture<>();
        CompletableFuture<Void> groupEnds = new CompletableFuture<>();
        claim("c-2", work("record c-2", firstEnds));
        CompletableFuture<Void> group = claims.withClaims(List.of("c-1", "c-2", "c-3"), work("group", groupEnds))
                .subscribeAsCompletionStage();
        CompletableFuture<Void> later = claim("c-3", work("record c-3", CompletableFuture.completedFuture(null)));
        assertThat(started).containsExactly("record c-2");

        firstEnds.complete(null);
        assertThat(started).containsExactly("record c-2", "group");
        assertThat(later).isNotDone();
        groupEnds.complete(null);

        assertThat(group).isDone();
        assertThat(started).containsExactly("record c-2", "group", "record c-3");
        assertThat(claims.size()).isZero();
    }

    @Test
    void two_claims_on_the_same_ids_in_opposite_orders_run_one_after_the_other() {
        CompletableFuture<Void> firstEnds = new CompletableFuture<>();
        claims.withClaims(List.of("c-1", "c-2"), work("first", firstEnds)).subscribeAsCompletionStage();
        CompletableFuture<Void> second = claims.withClaims(List.of("c-2", "c-1"),
                work("second", CompletableFuture.completedFuture(null))).subscribeAsCompletionStage();
        assertThat(started).containsExactly("first");

        firstEnds.complete(null);

        assertThat(second).isDone();
        assertThat(started).containsExactly("first", "second");
    }

    @Test
    void an_id_given_twice_does_not_wait_on_itself() {
        CompletableFuture<Void> group = claims.withClaims(List.of("c-1", "c-1"),
                work("group", CompletableFuture.completedFuture(null))).subscribeAsCompletionStage();

        assertThat(group).isDone();
        assertThat(started).containsExactly("group");
        assertThat(claims.size()).isZero();
    }
}
