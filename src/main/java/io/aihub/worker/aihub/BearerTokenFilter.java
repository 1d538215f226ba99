package io.aihub.worker.aihub;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/** Adds {@code Authorization: Bearer} to every AI Hub call; the token stays inside this object. */
final class BearerTokenFilter implements ClientRequestFilter {

    private final String header;

    BearerTokenFilter(String token) {
        this.header = "Bearer " + token;
    }

    @Override
    public void filter(ClientRequestContext request) {
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, header);
    }

    @Override
    public String toString() {
        return "BearerTokenFilter[***]";
    }
}
