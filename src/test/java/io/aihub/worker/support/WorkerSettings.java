package io.aihub.worker.support;

import java.time.Duration;
import java.util.Map;

import io.aihub.worker.config.WorkerConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The worker's settings read through the real {@link WorkerConfig} mapping, its defaults included, for plain unit
 * tests that need a setting or two changed by its property name (no Quarkus application starts).
 */
public final class WorkerSettings {

    private WorkerSettings() {
    }

    /** The defaults, as a worker with no configuration reads them. */
    public static WorkerConfig defaults() {
        return with(Map.of());
    }

    /** The defaults with {@code properties} (e.g. {@code worker.retry.max-attempts=3}) set on top. */
    public static WorkerConfig with(Map<String, String> properties) {
        // Quarkus' converter reads "500ms", "2s" and "5m" as the application does.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(WorkerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "unit-test", 400)).build();
        return config.getConfigMapping(WorkerConfig.class);
    }
}
