package io.aihub.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapWarningTest {

    @Test
    void the_benchmarked_hundred_thousand_runs_fit_a_512_mib_heap_without_a_warning() {
        assertThat(StartupChecks.heapNeededMiB(100_000)).isEqualTo(373);
        assertThat(StartupChecks.heapWarning(100_000, 512)).isEmpty();
    }

    @Test
    void a_heap_too_small_for_the_maximum_of_tracked_runs_is_named_with_what_it_needs_and_how_to_fix_it() {
        assertThat(StartupChecks.heapWarning(150_000, 384)).hasValue("worker.tracking.max-runs=150000 needs about 519"
                + " MiB of heap (about 3 KiB per tracked run), more than 80% of the 384 MiB this JVM may use: lower"
                + " worker.tracking.max-runs or give the JVM more memory (JAVA_MAX_MEM_RATIO or the container's memory"
                + " limit)");
    }

    @Test
    void a_fifth_of_the_heap_is_kept_for_garbage() {
        // 519 MiB needed: 649 MiB of heap leaves a fifth free, 648 does not.
        assertThat(StartupChecks.heapWarning(150_000, 649)).isEmpty();
        assertThat(StartupChecks.heapWarning(150_000, 648)).isPresent();
    }
}
