package io.aihub.worker.admin;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The admin endpoints ({@code /admin/*}): off unless enabled, and then only with a dedicated token. */
@ConfigMapping(prefix = "worker.admin")
public interface AdminConfig {

    /** Serve {@code /admin/*}. Default false: the endpoints answer 404. */
    @WithDefault("false")
    boolean enabled();

    /**
     * The bearer token callers must present ({@code Authorization: Bearer <token>}); required when enabled
     * ({@code WORKER_ADMIN_TOKEN}). Not the AI Hub token: a separate secret, compared in constant time.
     */
    Optional<String> token();

    /** Lookups of commands on partitions another replica owns, which read the ledger topic. */
    Lookup lookup();

    /** Bounds on the ledger-topic reads of {@code GET /admin/commands/{id}}. */
    interface Lookup {
        /** How long one read of a ledger partition answers lookups on it. Default 30 s. */
        @WithDefault("30s")
        Duration cacheTtl();

        /** Ledger partitions read at once; a lookup that would need another read is answered 503. Default 1. */
        @WithDefault("1")
        int maxConcurrentReads();

        /** Partitions whose read is kept for {@link #cacheTtl()}; the oldest is dropped first. Default 4. */
        @WithDefault("4")
        int cachedPartitions();
    }
}
