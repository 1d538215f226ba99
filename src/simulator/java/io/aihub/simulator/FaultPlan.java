package io.aihub.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The active fault rules of a simulator, in the order they were added. Tests set it with
 * {@code server.faults().add(...)}; other processes through {@code POST /_sim/faults}. Rules that have been
 * used up, or whose time is over, disappear.
 */
public final class FaultPlan {
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();

    /** Adds a rule after the existing ones and returns it (its remaining count can be watched). */
    public FaultRule add(FaultRule rule) {
        rules.add(rule);
        return rule;
    }

    /** The active rules, in order. */
    public List<FaultRule> rules() {
        return List.copyOf(rules);
    }

    /** Removes every rule. */
    public void clear() {
        rules.clear();
    }

    /** What happens before the handler: the summed latency of matching rules and the first ending action. */
    record Before(Duration latency, Optional<FaultAction> ending) {
        static final Before NONE = new Before(Duration.ZERO, Optional.empty());
    }

    /** Takes the {@link FaultAction.Stage#BEFORE} actions for a request, using up one count of each rule used. */
    Before takeBefore(FaultOperation operation, Optional<String> name) {
        if (rules.isEmpty()) {
            return Before.NONE;
        }
        rules.removeIf(FaultRule::exhausted); // rules whose time is over
        Duration latency = Duration.ZERO;
        for (FaultRule rule : rules) {
            if (rule.action().stage() != FaultAction.Stage.BEFORE || !rule.matches(operation, name)
                    || !rule.tryConsume()) {
                continue;
            }
            forgetIfExhausted(rule);
            if (rule.action() instanceof FaultAction.Latency delay) {
                latency = latency.plus(delay.delay());
            } else {
                return new Before(latency, Optional.of(rule.action()));
            }
        }
        return new Before(latency, Optional.empty());
    }

    /** Takes the first {@link FaultAction.Stage#AFTER_SUCCESS} action for a successful response, if any. */
    Optional<FaultAction> takeAfterSuccess(FaultOperation operation, Optional<String> name) {
        for (FaultRule rule : rules) {
            if (rule.action().stage() == FaultAction.Stage.AFTER_SUCCESS && rule.matches(operation, name)
                    && rule.tryConsume()) {
                forgetIfExhausted(rule);
                return Optional.of(rule.action());
            }
        }
        return Optional.empty();
    }

    /**
     * How List runs is shaped for this request: the longest {@link FaultAction.ListingLag}, the smallest
     * {@link FaultAction.PageCap} and any {@link FaultAction.TagsOmitted} of the matching rules, using up one count of
     * each rule used.
     */
    record Listing(Duration lag, OptionalInt pageCap, boolean omitTags) {

        static final Listing NONE = new Listing(Duration.ZERO, OptionalInt.empty(), false);

        /** The page size actually served for a requested {@code limit}. */
        int pageSize(int limit) {
            return pageCap.isPresent() ? Math.min(limit, pageCap.getAsInt()) : limit;
        }
    }

    /** Takes the {@link FaultAction.Stage#LISTING} actions for one List runs request. */
    Listing takeListing(Optional<String> name) {
        if (rules.isEmpty()) {
            return Listing.NONE;
        }
        Duration lag = Duration.ZERO;
        OptionalInt cap = OptionalInt.empty();
        boolean omitTags = false;
        for (FaultRule rule : rules) {
            if (rule.action().stage() != FaultAction.Stage.LISTING || !rule.matches(FaultOperation.LIST, name)
                    || !rule.tryConsume()) {
                continue;
            }
            forgetIfExhausted(rule);
            if (rule.action() instanceof FaultAction.ListingLag listingLag && listingLag.lag().compareTo(lag) > 0) {
                lag = listingLag.lag();
            } else if (rule.action() instanceof FaultAction.PageCap pageCap
                    && (cap.isEmpty() || pageCap.maxRuns() < cap.getAsInt())) {
                cap = OptionalInt.of(pageCap.maxRuns());
            } else if (rule.action() instanceof FaultAction.TagsOmitted) {
                omitTags = true;
            }
        }
        return new Listing(lag, cap, omitTags);
    }

    private void forgetIfExhausted(FaultRule rule) {
        if (rule.exhausted()) {
            rules.remove(rule);
        }
    }
}
