package io.aihub.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The start-up warning that the JVM's heap cannot hold {@code worker.tracking.max-runs} tracked runs: when it is
 * given, when it is not, and what it says.
 */
class HeapWarningTest {

    /** The heap the warning says {@code maxRuns} runs need, read from its text. */
    private static long neededMiB(int maxRuns) {
        String warning = StartupChecks.heapWarning(maxRuns, 1).orElseThrow();
        Matcher needs = Pattern.compile("needs about (\\d+) MiB").matcher(warning);
        assertThat(needs.find()).as(warning).isTrue();
        return Long.parseLong(needs.group(1));
    }

    @Test
    void a_heap_with_ample_room_for_the_maximum_of_tracked_runs_gets_no_warning() {
        assertThat(StartupChecks.heapWarning(1_000, 128)).isEmpty();
        assertThat(StartupChecks.heapWarning(150_000, 1_024)).isEmpty();
    }

    @Test
    void the_same_heap_gets_the_warning_once_far_more_runs_may_be_tracked() {
        assertThat(StartupChecks.heapWarning(50_000, 512)).isEmpty();
        assertThat(StartupChecks.heapWarning(200_000, 512)).isPresent();
    }

    @Test
    void the_warning_starts_where_less_than_a_fifth_of_the_heap_would_stay_free() {
        long needed = neededMiB(150_000);
        long smallestQuietHeap = (long) Math.ceil(needed / 0.8);

        assertThat(StartupChecks.heapWarning(150_000, smallestQuietHeap)).isEmpty();
        assertThat(StartupChecks.heapWarning(150_000, smallestQuietHeap - 1)).isPresent();
    }

    @Test
    void a_heap_too_small_for_the_maximum_of_tracked_runs_is_named_with_what_it_needs_and_how_to_fix_it() {
        assertThat(StartupChecks.heapWarning(150_000, 384)).hasValue("worker.tracking.max-runs=150000 needs about 519"
                + " MiB of heap (about 3 KiB per tracked run), more than 80% of the 384 MiB this JVM may use: lower"
                + " worker.tracking.max-runs or give the JVM more memory (JAVA_MAX_MEM_RATIO or the container's memory"
                + " limit)");
    }
}
