package io.aihub.worker.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerView;
import io.aihub.worker.ledger.PartitionOwnership;

/**
 * Lookups of commands on partitions this replica does not own read the ledger topic, a whole partition at a time; the
 * reads are bounded: shared while running, kept for the TTL, at most the configured number at once, a few kept.
 */
class LedgerLookupTest {

    private static final int PARTITIONS = 8;
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final ExecutorService callers = Executors.newFixedThreadPool(4);
    private final MutableClock clock = new MutableClock();
    private final CountingSource source = new CountingSource();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    /** A ledger of {@value #PARTITIONS} partitions holding one ended command each, counting the reads. */
    private static final class CountingSource implements LedgerLookup.PartitionSource {
        final Map<Integer, AtomicInteger> reads = new ConcurrentHashMap<>();
        volatile CountDownLatch release = new CountDownLatch(0);
        final CountDownLatch firstReadStarted = new CountDownLatch(1);

        @Override
        public int partitionCount() {
            return PARTITIONS;
        }

        @Override
        public Map<String, LedgerRecord> read(int partition) {
            reads.computeIfAbsent(partition, p -> new AtomicInteger()).incrementAndGet();
            firstReadStarted.countDown();
            try {
                release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String id = commandOn(partition);
            return Map.of(id, LedgerRecord.builder(id, LedgerRecord.State.ENDED).status("COMPLETE").runId("run-" + id)
                    .build());
        }

        int reads(int partition) {
            return reads.getOrDefault(partition, new AtomicInteger()).get();
        }
    }

    private static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-02T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** The first command ID (cmd-0, cmd-1, ...) that Kafka's partitioner puts on {@code partition}. */
    private static String commandOn(int partition) {
        return commandOn(partition, 0);
    }

    /** The command IDs Kafka's partitioner puts on {@code partition}, the first {@code skip} skipped. */
    private static String commandOn(int partition, int skip) {
        int skipped = 0;
        for (int i = 0;; i++) {
            if (LedgerLookup.partitionOf("cmd-" + i, PARTITIONS) == partition && skipped++ == skip) {
                return "cmd-" + i;
            }
        }
    }

    private LedgerLookup lookup(int maxConcurrentReads, int cachedPartitions) {
        AdminConfig.Lookup limits = new AdminConfig.Lookup() {
            @Override
            public Duration cacheTtl() {
                return TTL;
            }

            @Override
            public int maxConcurrentReads() {
                return maxConcurrentReads;
            }

            @Override
            public int cachedPartitions() {
                return cachedPartitions;
            }
        };
        return new LedgerLookup(new LedgerView(new PartitionOwnership(Duration.ofSeconds(5))), source, clock, limits, DEADLINE);
    }

    @Test
    void a_lookup_finds_a_command_on_a_partition_this_replica_does_not_own() {
        Optional<CommandView> found = lookup(1, 4).find(commandOn(3));

        assertThat(found).hasValueSatisfying(view -> {
            assertThat(view.partition()).isEqualTo(3);
            assertThat(view.runId()).isEqualTo("run-" + commandOn(3));
            assertThat(view.source()).isEqualTo("ledger-topic");
        });
    }

    @Test
    void lookups_within_the_ttl_are_answered_by_one_read_and_a_later_one_reads_again() {
        LedgerLookup lookup = lookup(1, 4);
        String command = commandOn(2);

        for (int i = 0; i < 20; i++) {
            assertThat(lookup.find(command)).isPresent();
            assertThat(lookup.find(commandOn(2, 1 + i))).isEmpty(); // never received: the same read says so
        }
        int readsWithinTtl = source.reads(2);
        clock.now = clock.now.plus(TTL);
        lookup.find(command);

        assertThat(readsWithinTtl).isEqualTo(1);
        assertThat(source.reads(2)).isEqualTo(2);
    }

    @Test
    void lookups_during_a_read_of_their_partition_wait_for_it_instead_of_reading_again() throws Exception {
        LedgerLookup lookup = lookup(1, 4);
        source.release = new CountDownLatch(1);
        String command = commandOn(5);

        List<CompletableFuture<Optional<CommandView>>> answers = List.of(
                CompletableFuture.supplyAsync(() -> lookup.find(command), callers));
        assertThat(source.firstReadStarted.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        List<CompletableFuture<Optional<CommandView>>> joiners = List.of(
                CompletableFuture.supplyAsync(() -> lookup.find(command), callers),
                CompletableFuture.supplyAsync(() -> lookup.find(command), callers));
        source.release.countDown();

        for (CompletableFuture<Optional<CommandView>> answer : List.of(answers.get(0), joiners.get(0), joiners.get(1))) {
            assertThat(answer.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isPresent();
        }
        assertThat(source.reads(5)).isEqualTo(1);
    }

    @Test
    void a_lookup_that_needs_another_partition_while_the_permitted_reads_run_is_refused_as_busy() throws Exception {
        LedgerLookup lookup = lookup(1, 4);
        source.release = new CountDownLatch(1);
        CompletableFuture<Optional<CommandView>> first = CompletableFuture.supplyAsync(() -> lookup.find(commandOn(1)),
                callers);
        assertThat(source.firstReadStarted.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

        assertThatThrownBy(() -> lookup.find(commandOn(6))).isInstanceOf(LedgerLookup.Busy.class)
                .hasMessageContaining("try again");
        source.release.countDown();

        assertThat(first.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isPresent();
        assertThat(lookup.find(commandOn(6))).isPresent();
        assertThat(source.reads(6)).isEqualTo(1);
    }

    @Test
    void only_the_configured_number_of_partition_reads_is_kept_the_oldest_dropped_first() {
        LedgerLookup lookup = lookup(1, 2);

        lookup.find(commandOn(0));
        lookup.find(commandOn(1));
        lookup.find(commandOn(2)); // drops partition 0's read
        lookup.find(commandOn(1));
        lookup.find(commandOn(0));

        assertThat(source.reads(0)).isEqualTo(2);
        assertThat(source.reads(1)).isEqualTo(1);
        assertThat(source.reads(2)).isEqualTo(1);
    }
}
