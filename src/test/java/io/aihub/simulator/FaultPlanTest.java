package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class FaultPlanTest {
    private final FaultPlan plan = new FaultPlan();

    @Test
    void latencies_add_up_and_the_first_ending_action_wins() {
        plan.add(FaultRule.on(FaultOperation.ANY).then(FaultAction.latency(Duration.ofMillis(100))));
        plan.add(FaultRule.on(FaultOperation.SUBMIT).then(FaultAction.latency(Duration.ofMillis(50))));
        FaultRule first = plan.add(FaultRule.on(FaultOperation.SUBMIT).times(3).then(FaultAction.error(503, "a")));
        FaultRule second = plan.add(FaultRule.on(FaultOperation.SUBMIT).times(3).then(FaultAction.error(500, "b")));

        FaultPlan.Before before = plan.takeBefore(FaultOperation.SUBMIT, Optional.of("app"));

        assertEquals(Duration.ofMillis(150), before.latency());
        assertEquals(Optional.of(FaultAction.error(503, "a")), before.ending());
        assertEquals(OptionalLong.of(2), first.remaining());
        assertEquals(OptionalLong.of(3), second.remaining());
    }

    @Test
    void a_rule_with_a_probability_hits_about_that_share_of_matching_requests() {
        plan.add(FaultRule.on(FaultOperation.SUBMIT).probability(0.3).then(FaultAction.error(429, "slow down")));

        int hits = 0;
        for (int i = 0; i < 4_000; i++) {
            if (plan.takeBefore(FaultOperation.SUBMIT, Optional.empty()).ending().isPresent()) {
                hits++;
            }
        }

        // 1,200 expected; 29 is one standard deviation, so the bounds fail a correct rule about once in 10^11 runs.
        assertTrue(hits > 1_000 && hits < 1_400, "hits " + hits);
        assertEquals(Optional.empty(), plan.takeBefore(FaultOperation.STATUS, Optional.empty()).ending());
    }

    @Test
    void a_probability_outside_zero_to_one_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> FaultRule.on(FaultOperation.SUBMIT).probability(0));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.on(FaultOperation.SUBMIT).probability(1.5));
    }

    @Test
    void used_up_rules_leave_the_plan() {
        plan.add(FaultRule.on(FaultOperation.STATUS).times(1).then(FaultAction.notFound()));

        assertEquals(Optional.of(FaultAction.notFound()), plan.takeBefore(FaultOperation.STATUS, Optional.empty()).ending());
        assertEquals(Optional.empty(), plan.takeBefore(FaultOperation.STATUS, Optional.empty()).ending());
        assertEquals(List.of(), plan.rules());
    }

    @Test
    void name_filter_needs_a_name_that_contains_it() {
        plan.add(FaultRule.on(FaultOperation.ANY).nameContains("flaky").then(FaultAction.connectionReset()));

        assertEquals(Optional.empty(), plan.takeBefore(FaultOperation.LIST, Optional.empty()).ending());
        assertEquals(Optional.empty(), plan.takeBefore(FaultOperation.LIST, Optional.of("steady")).ending());
        assertEquals(Optional.of(FaultAction.connectionReset()),
                plan.takeBefore(FaultOperation.LIST, Optional.of("my-flaky-app")).ending());
    }

    @Test
    void after_success_actions_are_not_taken_before_the_work() {
        plan.add(FaultRule.on(FaultOperation.SUBMIT).times(1).then(FaultAction.dropResponse()));

        assertEquals(FaultPlan.Before.NONE.ending(), plan.takeBefore(FaultOperation.SUBMIT, Optional.empty()).ending());
        assertEquals(Optional.of(FaultAction.dropResponse()), plan.takeAfterSuccess(FaultOperation.SUBMIT,
                Optional.empty()));
        assertEquals(Optional.empty(), plan.takeAfterSuccess(FaultOperation.SUBMIT, Optional.empty()));
    }

    @Test
    void http_date_is_the_fixed_imf_form() {
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT",
                FaultAction.httpDate(Instant.parse("1994-11-06T08:49:37Z")));
    }

    @Test
    void impossible_rules_are_refused_when_built() {
        assertThrows(IllegalArgumentException.class, () -> FaultAction.error(302, "redirect"));
        assertThrows(IllegalArgumentException.class, () -> FaultRule.on(FaultOperation.ANY).times(0));
        assertThrows(IllegalArgumentException.class,
                () -> new FaultAction.ErrorResponse(429, "x", Optional.of("1\r\nX-Evil: 1")));
    }

    @Test
    void a_rule_for_a_duration_hits_every_request_until_its_time_is_over_then_leaves_the_plan() {
        MutableClock clock = new MutableClock();
        plan.add(FaultRule.on(FaultOperation.ANY).forDuration(Duration.ofSeconds(60), clock)
                .then(FaultAction.error(503, "outage")));

        assertEquals(Optional.of(FaultAction.error(503, "outage")),
                plan.takeBefore(FaultOperation.SUBMIT, Optional.empty()).ending());
        clock.advance(Duration.ofSeconds(59));
        assertEquals(Optional.of(FaultAction.error(503, "outage")),
                plan.takeBefore(FaultOperation.LIST, Optional.empty()).ending());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), plan.takeBefore(FaultOperation.STATUS, Optional.empty()).ending());
        assertEquals(List.of(), plan.rules());
    }

    @Test
    void a_duration_must_be_positive() {
        assertThrows(IllegalArgumentException.class,
                () -> FaultRule.on(FaultOperation.ANY).forDuration(Duration.ZERO));
    }

    @Test
    void list_runs_takes_the_longest_lag_and_the_smallest_cap_of_the_rules_that_match() {
        plan.add(FaultRule.on(FaultOperation.LIST).then(FaultAction.pageCap(20)));
        plan.add(FaultRule.on(FaultOperation.ANY).times(1).then(FaultAction.pageCap(5)));
        plan.add(FaultRule.on(FaultOperation.LIST).then(FaultAction.listingLag(Duration.ofSeconds(8))));
        plan.add(FaultRule.on(FaultOperation.LIST).nameContains("slow").then(FaultAction.listingLag(Duration.ofSeconds(30))));

        FaultPlan.Listing first = plan.takeListing(Optional.of("app"));
        FaultPlan.Listing second = plan.takeListing(Optional.of("slow-app"));

        assertEquals(new FaultPlan.Listing(Duration.ofSeconds(8), OptionalInt.of(5), false), first);
        assertEquals(new FaultPlan.Listing(Duration.ofSeconds(30), OptionalInt.of(20), false), second);
        assertEquals(5, first.pageSize(100));
        assertEquals(3, first.pageSize(3));
        assertEquals(100, FaultPlan.Listing.NONE.pageSize(100));
    }

    @Test
    void listing_rules_do_not_act_before_or_after_the_work() {
        plan.add(FaultRule.on(FaultOperation.LIST).then(FaultAction.pageCap(2)));

        assertEquals(FaultPlan.Before.NONE, plan.takeBefore(FaultOperation.LIST, Optional.empty()));
        assertEquals(Optional.empty(), plan.takeAfterSuccess(FaultOperation.LIST, Optional.empty()));
    }
}
