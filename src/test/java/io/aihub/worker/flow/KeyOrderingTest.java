package io.aihub.worker.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** {@code worker.ordering=key}: one command per Kafka key at a time, other keys in parallel. */
class KeyOrderingTest {

    private final List<String> started = new CopyOnWriteArrayList<>();

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** Work that notes its start and ends when {@code end} completes. */
    private Supplier<Uni<? extends String>> work(String name, CompletableFuture<String> end) {
        return () -> {
            started.add(name);
            return Uni.createFrom().completionStage(end);
        };
    }

    private static CompletableFuture<String> run(KeyOrdering ordering, byte[] key,
            Supplier<Uni<? extends String>> work) {
        return ordering.<String> inOrder(key, work).subscribeAsCompletionStage();
    }

    @Test
    void commands_with_the_same_key_start_one_after_the_other_in_arrival_order() {
        KeyOrdering ordering = new KeyOrdering(true);
        CompletableFuture<String> firstEnds = new CompletableFuture<>();
        CompletableFuture<String> secondEnds = new CompletableFuture<>();

        CompletableFuture<String> first = run(ordering, key("k"), work("first", firstEnds));
        CompletableFuture<String> second = run(ordering, key("k"), work("second", secondEnds));
        run(ordering, key("k"), work("third", CompletableFuture.completedFuture("third")));
        assertThat(started).containsExactly("first");

        firstEnds.complete("first done");
        assertThat(first).isCompletedWithValue("first done");
        assertThat(started).containsExactly("first", "second");

        secondEnds.complete("second done");
        assertThat(second).isCompletedWithValue("second done");
        assertThat(started).containsExactly("first", "second", "third");
    }

    @Test
    void keys_are_compared_by_their_bytes_not_by_the_array() {
        KeyOrdering ordering = new KeyOrdering(true);

        run(ordering, key("k"), work("first", new CompletableFuture<>()));
        run(ordering, key("k"), work("second", new CompletableFuture<>()));

        assertThat(started).containsExactly("first");
    }

    @Test
    void a_failed_command_lets_the_next_one_of_its_key_start() {
        KeyOrdering ordering = new KeyOrdering(true);
        CompletableFuture<String> firstEnds = new CompletableFuture<>();
        CompletableFuture<String> first = run(ordering, key("k"), work("first", firstEnds));
        run(ordering, key("k"), work("second", new CompletableFuture<>()));

        firstEnds.completeExceptionally(new IllegalStateException("submission failed"));

        assertThat(first).isCompletedExceptionally();
        assertThat(started).containsExactly("first", "second");
    }

    @Test
    void a_command_with_another_key_starts_while_the_first_key_waits() {
        KeyOrdering ordering = new KeyOrdering(true);

        run(ordering, key("a"), work("a1", new CompletableFuture<>()));
        run(ordering, key("a"), work("a2", new CompletableFuture<>()));
        run(ordering, key("b"), work("b1", new CompletableFuture<>()));

        assertThat(started).containsExactly("a1", "b1");
        assertThat(ordering.keys()).isEqualTo(2);
    }

    @Test
    void records_without_a_key_are_not_ordered() {
        KeyOrdering ordering = new KeyOrdering(true);

        run(ordering, null, work("first", new CompletableFuture<>()));
        run(ordering, null, work("second", new CompletableFuture<>()));

        assertThat(started).containsExactly("first", "second");
        assertThat(ordering.keys()).isZero();
    }

    @Test
    void with_unordered_submission_the_same_key_does_not_wait() {
        KeyOrdering ordering = new KeyOrdering(false);

        run(ordering, key("k"), work("first", new CompletableFuture<>()));
        run(ordering, key("k"), work("second", new CompletableFuture<>()));

        assertThat(started).containsExactly("first", "second");
        assertThat(ordering.keys()).isZero();
    }

    @Test
    void a_key_is_forgotten_once_its_last_command_ended() {
        KeyOrdering ordering = new KeyOrdering(true);
        CompletableFuture<String> firstEnds = new CompletableFuture<>();
        CompletableFuture<String> secondEnds = new CompletableFuture<>();
        run(ordering, key("k"), work("first", firstEnds));
        run(ordering, key("k"), work("second", secondEnds));
        assertThat(ordering.keys()).isEqualTo(1);

        firstEnds.complete("done");
        assertThat(ordering.keys()).isEqualTo(1);
        secondEnds.completeExceptionally(new IllegalStateException("failed"));

        assertThat(ordering.keys()).isZero();
    }

    @Test
    void changing_the_key_array_afterwards_does_not_move_the_command_to_another_key() {
        KeyOrdering ordering = new KeyOrdering(true);
        byte[] reused = key("a");
        run(ordering, reused, work("a1", new CompletableFuture<>()));

        reused[0] = 'b';
        run(ordering, key("a"), work("a2", new CompletableFuture<>()));
        run(ordering, key("b"), work("b1", new CompletableFuture<>()));

        assertThat(started).containsExactly("a1", "b1");
    }
}
