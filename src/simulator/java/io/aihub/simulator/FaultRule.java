package io.aihub.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fault: which requests it hits (operation, optionally a substring of the app name, app ID or deployment ID
 * involved) and what it does to them, a limited number of times or without limit. Build with
 * {@code FaultRule.on(FaultOperation.SUBMIT).nameContains("x").times(2).then(FaultAction.error(503, "busy"))}.
 * A rule may also hold for a time only ({@code forDuration}): an outage of a given length.
 */
public final class FaultRule {
    private static final long UNLIMITED = -1;

    private final FaultOperation operation;
    private final Optional<String> nameContains;
    private final FaultAction action;
    private final AtomicLong remaining;
    private final Optional<Instant> until;
    private final Clock clock;

    private FaultRule(FaultOperation operation, Optional<String> nameContains, FaultAction action, long times,
            Optional<Instant> until, Clock clock) {
        this.operation = operation;
        this.nameContains = nameContains;
        this.action = action;
        this.remaining = new AtomicLong(times);
        this.until = until;
        this.clock = clock;
    }

    /** When the rule stops acting, if it holds for a time only. */
    public Optional<Instant> until() {
        return until;
    }

    private boolean expired() {
        return until.isPresent() && !clock.instant().isBefore(until.get());
    }

    /** Starts a rule for one operation (or {@link FaultOperation#ANY}). */
    public static Builder on(FaultOperation operation) {
        return new Builder(Objects.requireNonNull(operation, "operation"));
    }

    public FaultOperation operation() {
        return operation;
    }

    public Optional<String> nameContains() {
        return nameContains;
    }

    public FaultAction action() {
        return action;
    }

    /** How many more requests this rule will hit; empty when unlimited. */
    public OptionalLong remaining() {
        long left = remaining.get();
        return left == UNLIMITED ? OptionalLong.empty() : OptionalLong.of(left);
    }

    boolean exhausted() {
        return remaining.get() == 0 || expired();
    }

    boolean matches(FaultOperation requested, Optional<String> name) {
        return !expired() && operation.matches(requested)
                && nameContains.map(part -> name.filter(n -> n.contains(part)).isPresent()).orElse(true);
    }

    /** Takes one use of the rule; false when another request took the last one first. */
    boolean tryConsume() {
        while (true) {
            long left = remaining.get();
            if (left == UNLIMITED) {
                return true;
            }
            if (left == 0) {
                return false;
            }
            if (remaining.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "FaultRule[" + operation + nameContains.map(n -> " name~" + n).orElse("") + " "
                + action + " remaining=" + (remaining.get() == UNLIMITED ? "unlimited" : remaining.get())
                + until.map(u -> " until=" + u).orElse("") + "]";
    }

    /** Collects the match and count of a rule; {@link #then} completes it. */
    public static final class Builder {
        private final FaultOperation operation;
        private Optional<String> nameContains = Optional.empty();
        private long times = UNLIMITED;
        private Duration duration;
        private Clock clock = Clock.systemUTC();

        private Builder(FaultOperation operation) {
            this.operation = operation;
        }

        /** Hits only requests whose app name, app ID or deployment ID contains {@code part}. */
        public Builder nameContains(String part) {
            nameContains = Optional.of(part);
            return this;
        }

        /** Hits the next {@code count} matching requests only (default: unlimited). */
        public Builder times(long count) {
            if (count < 1) {
                throw new IllegalArgumentException("times must be at least 1");
            }
            times = count;
            return this;
        }

        /** Hits matching requests only for {@code length} from when the rule is built (then it is gone). */
        public Builder forDuration(Duration length) {
            return forDuration(length, Clock.systemUTC());
        }

        /** {@link #forDuration(Duration)} measured on {@code clock}. */
        public Builder forDuration(Duration length, Clock clock) {
            if (length.isNegative() || length.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            this.duration = length;
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public FaultRule then(FaultAction action) {
            Objects.requireNonNull(action, "action");
            if (action.stage() == FaultAction.Stage.LISTING && !operation.matches(FaultOperation.LIST)) {
                throw new IllegalArgumentException(action + " changes List runs answers; use on(LIST) or on(ANY)");
            }
            Optional<Instant> until = duration == null ? Optional.empty()
                    : Optional.of(clock.instant().plus(duration));
            return new FaultRule(operation, nameContains, action, times, until, clock);
        }
    }
}
