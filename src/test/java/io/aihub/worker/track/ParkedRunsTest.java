package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.PartitionOwnership;

/**
 * A restore applies {@code worker.tracking.max-runs}: after a scale-in the runs beyond it wait, oldest followed
 * first, and are followed as room frees, never past the cap and never for a partition that moved on.
 */
class ParkedRunsTest {

    private static final int CAP = 5;

    private final PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(5));
    private final ParkedRuns parked = new ParkedRuns(CAP);

    private Lease active(int partition) {
        ownership.assigned(List.of(partition));
        Lease lease = ownership.lease(partition).orElseThrow();
        ownership.restored(lease);
        return lease;
    }

    /** Runs named {@code prefix-i}, tracked since {@code 1000 + i}, listed newest first. */
    private static List<LedgerRecord> runs(String prefix, int count) {
        return IntStream.range(0, count).map(i -> count - 1 - i)
                .mapToObj(i -> LedgerRecord.builder(prefix + "-" + i, LedgerRecord.State.TRACKING).runId("run-" + i)
                        .trackingSince(1000L + i).build())
                .toList();
    }

    private static List<String> ids(List<LedgerRecord> records) {
        return records.stream().map(LedgerRecord::commandId).toList();
    }

    @Test
    void a_restore_beyond_the_cap_follows_its_oldest_runs_and_parks_the_rest() {
        Lease lease = active(0);

        ParkedRuns.Admitted admitted = parked.admit(lease, runs("p0", 6), 2);

        assertThat(ids(admitted.now())).containsExactly("p0-0", "p0-1", "p0-2");
        assertThat(admitted.waiting()).containsExactlyInAnyOrder("p0-3", "p0-4", "p0-5");
        assertThat(parked.size()).isEqualTo(3);
    }

    @Test
    void a_restore_that_fits_parks_nothing() {
        ParkedRuns.Admitted admitted = parked.admit(active(0), runs("p0", 5), 0);
        assertThat(admitted.now()).hasSize(5);
        assertThat(admitted.waiting()).isEmpty();
        assertThat(parked.size()).isZero();
    }

    @Test
    void parked_runs_are_followed_in_order_as_room_frees_and_never_past_the_cap() {
        Lease lease = active(0);
        parked.admit(lease, runs("p0", 8), 0);

        assertThat(parked.release(CAP)).isEmpty();
        assertThat(parked.release(CAP + 3)).isEmpty();
        Map<Lease, List<String>> one = parked.release(CAP - 1);
        assertThat(one).containsOnlyKeys(lease);
        assertThat(one.get(lease)).containsExactly("p0-5");
        parked.done(1); // followed: CAP tracked again

        Map<Lease, List<String>> rest = parked.release(0);
        assertThat(rest.get(lease)).containsExactly("p0-6", "p0-7");
        parked.done(2);
        assertThat(parked.size()).isZero();
    }

    @Test
    void a_later_restore_waits_behind_runs_parked_earlier_even_when_there_is_room_for_it() {
        Lease first = active(0);
        Lease second = active(1);
        parked.admit(first, runs("p0", 7), 0);

        assertThat(parked.admit(second, runs("p1", 1), 3).now()).isEmpty();

        Map<Lease, List<String>> released = parked.release(3);
        assertThat(released).containsOnlyKeys(first);
        assertThat(released.get(first)).containsExactly("p0-5", "p0-6");
        parked.done(2);
        assertThat(parked.release(4).get(second)).containsExactly("p1-0");
    }

    @Test
    void the_runs_of_a_partition_being_revoked_or_moved_on_are_dropped_not_followed() {
        Lease revoking = active(0);
        Lease moved = active(1);
        Lease staying = active(2);
        parked.admit(revoking, runs("p0", CAP), CAP);
        parked.admit(moved, runs("p1", 2), CAP);
        parked.admit(staying, runs("p2", 2), CAP);
        ownership.revoking(List.of(0));
        ownership.assigned(List.of(1)); // assigned again: the earlier lease ended, a new restore reads its runs

        Map<Lease, List<String>> released = parked.release(0);

        assertThat(released).containsOnlyKeys(staying);
        assertThat(released.get(staying)).containsExactly("p2-0", "p2-1");
        assertThat(parked.size()).as("released runs count until followed").isEqualTo(2);
        parked.done(2);
        assertThat(parked.size()).isZero();
    }

    @Test
    void each_release_reads_the_ledger_again_so_it_waits_until_a_batch_of_a_hundredth_of_the_cap_fits() {
        ParkedRuns large = new ParkedRuns(1_000);
        Lease lease = active(0);
        large.admit(lease, runs("p0", 1_015), 0);

        assertThat(large.release(991)).isEmpty();
        assertThat(large.release(990).get(lease)).containsExactly(IntStream.range(1_000, 1_010)
                .mapToObj(i -> "p0-" + i).toArray(String[]::new));
        large.done(10);
        assertThat(large.release(996)).isEmpty();
        assertThat(large.release(995).get(lease)).as("fewer wait than a batch: all of them")
                .containsExactly("p0-1010", "p0-1011", "p0-1012", "p0-1013", "p0-1014");
    }

    @Test
    void released_runs_whose_records_were_not_read_are_first_in_line_again() {
        Lease lease = active(0);
        parked.admit(lease, runs("p0", 8), 0);
        List<String> released = parked.release(CAP - 2).get(lease);

        parked.putBack(lease, released);
        parked.done(released.size());

        assertThat(parked.release(0).get(lease)).containsExactly("p0-5", "p0-6", "p0-7");
    }

    @Test
    void released_runs_count_until_followed_so_that_neither_intake_nor_a_new_restore_takes_their_room() {
        Lease first = active(0);
        Lease second = active(1);
        parked.admit(first, runs("p0", 8), 0);

        assertThat(parked.release(2).get(first)).containsExactly("p0-5", "p0-6", "p0-7");
        assertThat(parked.size()).isEqualTo(3);
        assertThat(parked.admit(second, runs("p1", 1), 2).now()).isEmpty();
        assertThat(parked.release(2)).isEmpty();

        parked.done(3);
        assertThat(parked.size()).isEqualTo(1);
        assertThat(parked.release(CAP - 1).get(second)).containsExactly("p1-0");
    }

    @Test
    void a_revoked_partition_takes_its_waiting_runs_with_it() {
        parked.admit(active(0), runs("p0", 3), CAP);
        Lease staying = active(1);
        parked.admit(staying, runs("p1", 2), CAP);

        parked.forget(List.of(0));

        assertThat(parked.size()).isEqualTo(2);
        assertThat(parked.release(0).get(staying)).containsExactly("p1-0", "p1-1");
    }
}
