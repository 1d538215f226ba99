package io.aihub.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Publishing of run results to the results topic, for commands that ask for it ({@code results.publish}). */
@ConfigMapping(prefix = "worker.results")
public interface ResultsConfig {

    /**
     * Largest result record, value plus key and headers, in bytes; a file's result above it is split into parts.
     * Default 900000: below the broker's default {@code message.max.bytes} and the producer's default
     * {@code max.request.size} (both about 1 MiB), leaving room for the batch overhead.
     */
    @WithDefault("900000")
    int maxRecordBytes();

    /**
     * Attempts at fetching and publishing a run's results (one per status poll after COMPLETE) before the
     * {@code completed} event is published without them, saying why. Default 5.
     */
    @WithDefault("5")
    int maxAttempts();
}
