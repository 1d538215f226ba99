package io.aihub.worker.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Grants the {@value #ROLE} role to a request that presents the configured admin token, while the endpoints are
 * enabled. The token is compared in constant time (SHA-256 of both sides, then {@link MessageDigest#isEqual}), so
 * neither its content nor its length leaks through timing. The application refuses to start with the endpoints
 * enabled and no token.
 */
@ApplicationScoped
public class AdminIdentityProvider implements IdentityProvider<AdminTokenRequest> {

    /** The role every admin resource requires. */
    public static final String ROLE = "admin";

    private final boolean enabled;
    private final Optional<byte[]> tokenDigest;

    @Inject
    public AdminIdentityProvider(AdminConfig config) {
        this(config.enabled(), config.token());
    }

    AdminIdentityProvider(boolean enabled, Optional<String> token) {
        this.enabled = enabled;
        this.tokenDigest = token.filter(t -> !t.isBlank()).map(AdminIdentityProvider::digest);
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

    @Override
    public Class<AdminTokenRequest> getRequestType() {
        return AdminTokenRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(AdminTokenRequest request, AuthenticationRequestContext context) {
        if (!accepts(request.token())) {
            // No message: it would reach logs and security events, and there is nothing to say about a wrong token.
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(ROLE))
                .addRole(ROLE).build());
    }

    /** True when the endpoints are enabled and {@code token} is the configured one. */
    boolean accepts(String token) {
        return enabled && tokenDigest.isPresent() && token != null
                && MessageDigest.isEqual(tokenDigest.get(), digest(token));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
