package io.aihub.worker.track;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long a bulk listing spares a run its own GET (issue 17: passes slower than their interval). */
class BulkCoverTest {

    @Test
    void a_listing_covers_three_intervals_while_passes_are_quick() {
        assertThat(BulkRefresher.coverMs(15_000, 0)).isEqualTo(45_000);
    }

    @Test
    void a_slow_pass_stretches_the_cover_so_late_runs_do_not_fall_back_to_their_own_gets() {
        // 100,000 runs at 100 per page and 8 pages/s: a pass of 125 s; a run listed near the end of one pass is
        // listed again about 140 s later, which a fixed 45 s cover would have filled with GETs.
        assertThat(BulkRefresher.coverMs(15_000, 125_000)).isEqualTo(420_000);
    }
}
