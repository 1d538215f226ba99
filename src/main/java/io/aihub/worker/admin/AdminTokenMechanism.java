package io.aihub.worker.admin;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code Authorization: Bearer <token>} for the admin resources. It only extracts the credential:
 * {@link AdminIdentityProvider} decides, and {@code @RolesAllowed} on the resource classes requires the result, so
 * the check belongs to the matched resource and not to a spelling of its path (design.md, "Admin endpoints"). A
 * refused call is answered 401 with a {@code Bearer} challenge, or 404 while the endpoints are disabled, so a
 * disabled worker does not even confirm that they exist.
 */
@ApplicationScoped
public class AdminTokenMechanism implements HttpAuthenticationMechanism {

    static final String REALM = "aihub-run-worker-admin";
    private static final String BEARER = "Bearer ";

    private final boolean enabled;

    @Inject
    public AdminTokenMechanism(AdminConfig config) {
        this.enabled = config.enabled();
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        Optional<String> token = bearerToken(context.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (token.isEmpty()) {
            return Uni.createFrom().optional(Optional.empty()); // anonymous: @RolesAllowed refuses it
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                new AdminTokenRequest(token.get()), context));
    }

    /** The token of an {@code Authorization} header of the Bearer scheme (case-insensitive), if it holds one. */
    static Optional<String> bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(enabled
                ? new ChallengeData(401, HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\"")
                : new ChallengeData(404));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(AdminTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }
}
