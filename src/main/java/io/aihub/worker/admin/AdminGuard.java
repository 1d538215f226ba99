package io.aihub.worker.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.runtime.StartupEvent;

/**
 * Guards {@code /admin/*}: 404 while the endpoints are disabled, 401 without the configured bearer token or with
 * another one. The token is compared in constant time (SHA-256 of both sides, then {@link MessageDigest#isEqual}),
 * so neither its content nor its length leaks through timing. The application refuses to start with the endpoints
 * enabled and no token (design.md, "Admin and simulator endpoints").
 */
@ApplicationScoped
public class AdminGuard {

    /** Path prefix of the admin endpoints. */
    public static final String PREFIX = "/admin";

    private final boolean enabled;
    private final Optional<byte[]> tokenDigest;

    @Inject
    public AdminGuard(AdminConfig config) {
        this.enabled = config.enabled();
        this.tokenDigest = config.token().filter(t -> !t.isBlank()).map(AdminGuard::digest);
    }

    /** Runs before the start-up checks that reach Kafka, so a missing token is the first thing reported. */
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        requireToken(enabled, tokenDigest.isPresent());
    }

    /** Refuses an enabled admin API without a token. */
    static void requireToken(boolean enabled, boolean hasToken) {
        if (enabled && !hasToken) {
            throw new IllegalStateException("worker.admin.enabled=true needs worker.admin.token (WORKER_ADMIN_TOKEN):"
                    + " the admin endpoints are never served without a token");
        }
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getRequestUri().getPath();
        if (!(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
            return Optional.empty();
        }
        if (!enabled) {
            return Optional.of(error(Response.Status.NOT_FOUND, "the admin endpoints are disabled"
                    + " (worker.admin.enabled=false)"));
        }
        if (!authorized(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            return Optional.of(Response.fromResponse(error(Response.Status.UNAUTHORIZED,
                    "a valid admin token is required: Authorization: Bearer <worker.admin.token>"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"aihub-run-worker-admin\"").build());
        }
        return Optional.empty();
    }

    /** True when {@code authorization} is {@code Bearer <the configured token>}. */
    boolean authorized(String authorization) {
        if (tokenDigest.isEmpty() || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest.get(), digest(authorization.substring(7).trim()));
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("message", message)).build();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
