package io.aihub.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

import io.vertx.core.http.HttpServerRequest;

/**
 * Checks the credentials of an API request: {@code Authorization: Bearer <token>} must equal the configured
 * token (compared in constant time; never echoed), {@code IB-Context} must be present (401 otherwise, as it is
 * part of who the caller is) and, when contexts are configured, one of them (403 otherwise).
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

    /** Returns the request's context, or throws the 401/403 the service would answer. */
    String admit(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)
                || !MessageDigest.isEqual(token,
                        authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8))) {
            throw new Rejection(401, "missing or invalid API token");
        }
        String context = request.getHeader(CONTEXT_HEADER);
        if (context == null || context.isBlank()) {
            throw new Rejection(401, "missing IB-Context header");
        }
        if (!settings.allowedContexts().isEmpty() && !settings.allowedContexts().contains(context)) {
            throw Rejection.forbidden("the API token has no access to this IB-Context");
        }
        return context;
    }

    /** Refuses input and output folders outside the caller's organization, as the service validates them. */
    static void requireInContext(String context, String folder, String field) {
        if (folder != null && !folder.startsWith("/" + context + "/")) {
            throw Rejection.forbidden(field + " is outside the IB-Context of the request");
        }
    }
}
