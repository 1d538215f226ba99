package io.aihub.worker.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the worker reaches AI Hub: API root, credentials, the default {@code IB-Context} and timeouts.
 * Environment variables follow MicroProfile's mapping, e.g. {@code AIHUB_API_ROOT}, {@code AIHUB_API_TOKEN}.
 */
@ConfigMapping(prefix = "aihub")
public interface AiHubConfig {

    /** API root including {@code /api}. Default: {@code https://aihub.instabase.com/api}. */
    @WithDefault("https://aihub.instabase.com/api")
    URI apiRoot();

    /** API token sent as {@code Authorization: Bearer}. No default; a secret, never logged. */
    Optional<String> apiToken();

    /** {@code IB-Context} used when a command names none. No default. */
    Optional<String> ibContext();

    /**
     * Contexts a command may name in {@code ib_context}. Empty (the default): only {@link #ibContext()}.
     * {@code *} allows any.
     */
    Optional<List<String>> allowedContexts();

    /**
     * Apps a command may name: app names ({@code owner/name} for an app named with its owner) and app IDs. Unset (the
     * default) with {@link #allowedDeployments()} unset too: any app. Set either, and a command may name only what
     * the two lists hold.
     */
    Optional<List<String>> allowedApps();

    /** Deployment IDs a command may name; see {@link #allowedApps()}. Unset (the default): any, unless apps are set. */
    Optional<List<String>> allowedDeployments();

    /**
     * Folders {@code input_dir} and {@code output_dir} must lie in (a prefix matches whole path segments); a folder with
     * {@code .} or {@code ..} segments is then refused. Unset (the default): any folder the API token reaches.
     */
    Optional<List<String>> allowedFolderPrefixes();

    /** TCP connect timeout. Default 5 s. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time allowed for one request, from send to the whole response. Default 30 s. */
    @WithDefault("30s")
    Duration requestTimeout();

    /**
     * Most HTTP connections open to AI Hub at once. An HTTP/1.1 connection carries one request at a time, so this caps
     * the calls in flight: below {@code worker.max-in-flight} the surplus submissions queue for a connection. Default:
     * {@code worker.max-in-flight} + {@value #POLL_CONNECTIONS} (one per submission in flight, the rest for polls).
     */
    Optional<Integer> maxConnections();

    /** Connections added to {@code worker.max-in-flight} for polls and listings when {@link #maxConnections()} is unset. */
    int POLL_CONNECTIONS = 64;

    /** The connection limit in force: {@link #maxConnections()}, or the default derived from {@code maxInFlight}. */
    default int connectionLimit(int maxInFlight) {
        return connectionLimit(maxConnections(), maxInFlight);
    }

    /** The connection limit for a configured value ({@code aihub.max-connections}) and in-flight window. */
    static int connectionLimit(Optional<Integer> configured, int maxInFlight) {
        int limit = configured.orElse(maxInFlight + POLL_CONNECTIONS);
        if (limit < 1) {
            throw new IllegalArgumentException("aihub.max-connections must be at least 1, was " + limit);
        }
        return limit;
    }
}
