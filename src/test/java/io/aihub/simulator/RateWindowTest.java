package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class RateWindowTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void the_busiest_second_is_found_across_whole_second_boundaries() {
        RateWindow window = new RateWindow();
        // 3 requests in the second [0.0, 1.0), then 4 in [1.5, 1.9]: the sliding second (0.9, 1.9] holds 5.
        at(window, 0, 400, 950, 1_500, 1_600, 1_700, 1_900);

        assertEquals(5, window.max());
        assertEquals(T0.plusMillis(1_900).getEpochSecond() * 1_000_000_000L + T0.plusMillis(1_900).getNano(),
                window.maxWindowEndNanos());
    }

    @Test
    void requests_exactly_one_second_apart_are_not_in_the_same_window() {
        RateWindow window = new RateWindow();
        at(window, 0, 1_000, 2_000, 3_000);

        assertEquals(1, window.max());
    }

    @Test
    void a_busy_second_larger_than_the_initial_buffer_is_counted_exactly() {
        RateWindow window = new RateWindow();
        for (int i = 0; i < 5_000; i++) {
            window.add(T0.plusNanos(i * 100_000L)); // 5,000 requests in 0.5 s
        }
        window.add(T0.plusSeconds(10));

        assertEquals(5_000, window.max());
        assertFalse(window.saturated());
    }

    @Test
    void clear_forgets_everything() {
        RateWindow window = new RateWindow();
        at(window, 0, 1, 2);
        window.clear();
        at(window, 5_000);

        assertEquals(1, window.max());
    }

    private static void at(RateWindow window, long... millis) {
        for (long ms : millis) {
            window.add(T0.plusMillis(ms));
        }
    }
}
