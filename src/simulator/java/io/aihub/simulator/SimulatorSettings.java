package io.aihub.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of one {@link SimulatorServer}: credentials it accepts, run timing, results shape and the
 * size of its request recording. Build with {@link #builder()}; every value has a default.
 *
 * @param token the bearer token every API request must carry
 * @param adminToken the token of the {@code /_sim} admin routes; empty disables those routes
 * @param allowedContexts the {@code IB-Context} values accepted (others are a 401); empty accepts any
 * @param defaultContext the caller's own context, used for requests without {@code IB-Context}
 * @param strict refuse (400) unknown body fields, {@code settings} keys and query parameters, repeated single
 *        parameters and inconsistent mailbox windows, which the real API is not known to refuse; for tests that want
 *        to catch a client sending something the contract does not name
 * @param phaseDuration how long each status phase of a scenario lasts
 * @param submitLatency delay added to every submission (benchmarks use it to model a slow service)
 * @param resultsFiles number of input files every completed run reports
 * @param resultsPageSize number of files per results page
 * @param maxRecordedRequests how many requests the recording keeps before dropping the oldest
 * @param clock source of "now" for run timestamps and schedules (tests move it)
 */
public record SimulatorSettings(
        String token,
        Optional<String> adminToken,
        List<String> allowedContexts,
        String defaultContext,
        boolean strict,
        Duration phaseDuration,
        Duration submitLatency,
        int resultsFiles,
        int resultsPageSize,
        int maxRecordedRequests,
        Clock clock) {

    public SimulatorSettings {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(adminToken, "adminToken");
        allowedContexts = List.copyOf(allowedContexts);
        Objects.requireNonNull(defaultContext, "defaultContext");
        Objects.requireNonNull(clock, "clock");
        if (token.isBlank() || defaultContext.isBlank()) {
            throw new IllegalArgumentException("token and defaultContext must not be blank");
        }
        if (phaseDuration.isNegative() || phaseDuration.isZero()) {
            throw new IllegalArgumentException("phaseDuration must be positive");
        }
        if (submitLatency.isNegative()) {
            throw new IllegalArgumentException("submitLatency must not be negative");
        }
        if (resultsFiles < 0 || resultsPageSize < 1 || maxRecordedRequests < 0) {
            throw new IllegalArgumentException("resultsFiles >= 0, resultsPageSize >= 1, maxRecordedRequests >= 0");
        }
        adminToken = adminToken.filter(t -> !t.isEmpty());
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings; the field initialisers are the defaults. */
    public static final class Builder {
        private String token = "sim-token";
        private Optional<String> adminToken = Optional.empty();
        private List<String> allowedContexts = List.of();
        private String defaultContext = "sim-org";
        private boolean strict;
        private Duration phaseDuration = Duration.ofSeconds(3);
        private Duration submitLatency = Duration.ZERO;
        private int resultsFiles = 5;
        private int resultsPageSize = 2;
        private int maxRecordedRequests = 100_000;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder token(String value) {
            token = value;
            return this;
        }

        public Builder adminToken(String value) {
            adminToken = Optional.ofNullable(value);
            return this;
        }

        public Builder allowedContexts(List<String> value) {
            allowedContexts = value;
            return this;
        }

        public Builder defaultContext(String value) {
            defaultContext = value;
            return this;
        }

        public Builder strict(boolean value) {
            strict = value;
            return this;
        }

        public Builder phaseDuration(Duration value) {
            phaseDuration = value;
            return this;
        }

        public Builder submitLatency(Duration value) {
            submitLatency = value;
            return this;
        }

        public Builder resultsFiles(int value) {
            resultsFiles = value;
            return this;
        }

        public Builder resultsPageSize(int value) {
            resultsPageSize = value;
            return this;
        }

        public Builder maxRecordedRequests(int value) {
            maxRecordedRequests = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        public SimulatorSettings build() {
            return new SimulatorSettings(token, adminToken, allowedContexts, defaultContext, strict, phaseDuration,
                    submitLatency,
                    resultsFiles, resultsPageSize, maxRecordedRequests, clock);
        }
    }
}
