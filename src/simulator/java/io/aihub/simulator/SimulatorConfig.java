package io.aihub.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;

/**
 * The simulator process's settings ({@code aihub.simulator.*}), from system properties or environment variables
 * ({@code -Daihub.simulator.port=8099}, {@code AIHUB_SIMULATOR_SUBMIT_LATENCY=50ms}). Read value by value rather
 * than through a {@code @ConfigMapping}, whose implementation SmallRye generates with ASM, which this jar leaves out.
 *
 * @param host interface to bind; default {@code 127.0.0.1} (loopback only)
 * @param port port to bind, {@code 0} for a free one; default {@code 8099}
 * @param token the bearer token the simulator accepts; default {@code sim-token}
 * @param adminToken token of the {@code /_sim} admin routes, which answer 404 without one; default none
 * @param allowedContexts {@code IB-Context} values accepted, others get 401; default none, meaning any
 * @param defaultContext the context of requests that send no {@code IB-Context}; default {@code sim-org}
 * @param strict refuse names the contract does not list (see {@link SimulatorSettings#strict()}); default false
 * @param phaseDuration duration of each status phase of a simulated run; default {@code 3S}
 * @param submitLatency latency added to every submission, to model a slow service; default {@code 0S}
 * @param resultsFiles input files in the results of every completed run; default {@code 5}
 * @param resultsPageSize files per results page; default {@code 2}
 * @param maxRecordedRequests requests the recording keeps before dropping the oldest; default {@code 100000}
 */
public record SimulatorConfig(String host, int port, String token, Optional<String> adminToken,
        Optional<List<String>> allowedContexts, String defaultContext, boolean strict, Duration phaseDuration,
        Duration submitLatency, int resultsFiles,
        int resultsPageSize, int maxRecordedRequests) {

    private static final String PREFIX = "aihub.simulator.";
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    /** The settings in {@code config}, defaults where absent. */
    public static SimulatorConfig from(Config config) {
        return new SimulatorConfig(
                config.getOptionalValue(PREFIX + "host", String.class).orElse("127.0.0.1"),
                config.getOptionalValue(PREFIX + "port", Integer.class).orElse(8099),
                config.getOptionalValue(PREFIX + "token", String.class).orElse("sim-token"),
                config.getOptionalValue(PREFIX + "admin-token", String.class),
                config.getOptionalValues(PREFIX + "allowed-contexts", String.class),
                config.getOptionalValue(PREFIX + "default-context", String.class).orElse("sim-org"),
                config.getOptionalValue(PREFIX + "strict", Boolean.class).orElse(false),
                duration(config, "phase-duration").orElse(Duration.ofSeconds(3)),
                duration(config, "submit-latency").orElse(Duration.ZERO),
                config.getOptionalValue(PREFIX + "results-files", Integer.class).orElse(5),
                config.getOptionalValue(PREFIX + "results-page-size", Integer.class).orElse(2),
                config.getOptionalValue(PREFIX + "max-recorded-requests", Integer.class).orElse(100_000));
    }

    /**
     * A duration as Quarkus writes them ({@code 50ms}, {@code 3s}, {@code 10m}, {@code 2h}, a bare number of
     * seconds) or ISO-8601 ({@code PT3S}): the simulator runs without Quarkus and its duration converter.
     */
    static Optional<Duration> duration(Config config, String name) {
        return config.getOptionalValue(PREFIX + name, String.class).map(String::trim).map(value -> {
            Matcher parts = SHORT_DURATION.matcher(value);
            if (!parts.matches()) {
                return Duration.parse(value);
            }
            long amount = Long.parseLong(parts.group(1));
            return switch (parts.group(2) == null ? "s" : parts.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            };
        });
    }

    /** The settings of a {@link SimulatorServer} built from this configuration. */
    public SimulatorSettings toSettings() {
        return SimulatorSettings.builder()
                .token(token)
                .adminToken(adminToken.orElse(null))
                .allowedContexts(allowedContexts.orElse(List.of()))
                .defaultContext(defaultContext)
                .strict(strict)
                .phaseDuration(phaseDuration)
                .submitLatency(submitLatency)
                .resultsFiles(resultsFiles)
                .resultsPageSize(resultsPageSize)
                .maxRecordedRequests(maxRecordedRequests)
                .build();
    }
}
