package io.aihub.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import io.vertx.core.http.HttpServerRequest;

/**
 * Checks the credentials of an API request: {@code Authorization: Bearer <token>} must equal the configured
 * token (compared in constant time; never echoed). {@code IB-Context} is optional, as in the API: without it the
 * caller's own context applies; with it, and contexts configured, it must be one of them (an invalid context is a
 * 401, as the service answers it).
 */
final class AccessGuard {
    static final String CONTEXT_HEADER = "IB-Context";
    private static final String BEARER = "bearer ";

    private final byte[] token;
    private final SimulatorSettings settings;

    AccessGuard(SimulatorSettings settings) {
        this.settings = settings;
        this.token = settings.token().getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the request's context, or throws the 401 the service would answer. */
    String admit(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)
                || !MessageDigest.isEqual(token,
                        authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8))) {
            throw new Rejection(401, "missing or invalid API token");
        }
        String context = request.getHeader(CONTEXT_HEADER);
        if (context == null || context.isBlank()) {
            return settings.defaultContext();
        }
        if (!settings.allowedContexts().isEmpty() && !settings.allowedContexts().contains(context)) {
            throw new Rejection(401, "invalid IB-Context");
        }
        return context;
    }
}
