package io.aihub.worker.admin;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * The bearer token a request presented to an admin resource. A type of our own, so only {@link AdminIdentityProvider}
 * can turn it into an identity.
 */
final class AdminTokenRequest extends BaseAuthenticationRequest {

    private final String token;

    AdminTokenRequest(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }

    @Override
    public String toString() {
        return "AdminTokenRequest[***]";
    }
}
