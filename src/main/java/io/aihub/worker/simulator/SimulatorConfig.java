package io.aihub.worker.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Configuration of the embedded AI Hub simulator ({@code aihub.simulator.*}). Off by default and in production;
 * the worker's own {@code aihub.api-root} must point at it ({@code http://<host>:<port>/api}) to use it.
 */
@ConfigMapping(prefix = "aihub.simulator")
public interface SimulatorConfig {

    /** Whether to start the simulator with the application. Default: {@code false}. */
    @WithDefault("false")
    boolean enabled();

    /** Interface to bind. Default: {@code 127.0.0.1} (loopback only). */
    @WithDefault("127.0.0.1")
    String host();

    /** Port to bind; {@code 0} picks a free one. Default: {@code 8099}. */
    @WithDefault("8099")
    int port();

    /** The bearer token the simulator accepts. Default: {@code sim-token}. */
    @WithDefault("sim-token")
    String token();

    /** Token of the {@code /_sim} admin routes; those routes answer 404 when absent. Default: none. */
    Optional<String> adminToken();

    /** {@code IB-Context} values accepted; others get 403. Default: none, meaning any context. */
    Optional<List<String>> allowedContexts();

    /** Duration of each status phase of a simulated run. Default: {@code 3S}. */
    @WithDefault("3S")
    Duration phaseDuration();

    /** Latency added to every submission, to model a slow service in benchmarks. Default: {@code 0S}. */
    @WithDefault("0S")
    Duration submitLatency();

    /** Number of input files in the results of every completed run. Default: {@code 5}. */
    @WithDefault("5")
    int resultsFiles();

    /** Number of files per results page. Default: {@code 2}. */
    @WithDefault("2")
    int resultsPageSize();

    /** How many requests the recording keeps before dropping the oldest. Default: {@code 100000}. */
    @WithDefault("100000")
    int maxRecordedRequests();

    /** The settings of a {@link SimulatorServer} built from this configuration. */
    default SimulatorSettings toSettings() {
        return SimulatorSettings.builder()
                .token(token())
                .adminToken(adminToken().orElse(null))
                .allowedContexts(allowedContexts().orElse(List.of()))
                .phaseDuration(phaseDuration())
                .submitLatency(submitLatency())
                .resultsFiles(resultsFiles())
                .resultsPageSize(resultsPageSize())
                .maxRecordedRequests(maxRecordedRequests())
                .build();
    }
}
