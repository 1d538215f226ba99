package io.aihub.worker.admin;

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
}
