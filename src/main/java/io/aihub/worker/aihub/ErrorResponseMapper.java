package io.aihub.worker.aihub;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns an AI Hub error response ({@code {"message": ...}}, not problem+json) into an {@link AiHubHttpException}. */
final class ErrorResponseMapper implements ResponseExceptionMapper<AiHubHttpException> {

    /** Bounds memory only; the text is scrubbed of secrets before it is shortened for events. */
    private static final int MAX_MESSAGE = 16_384;
    private final ObjectMapper mapper;
    private final Clock clock;

    ErrorResponseMapper(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    @Override
    public AiHubHttpException toThrowable(Response response) {
        return new AiHubHttpException(response.getStatus(),
                retryAfter(response.getHeaderString(HttpHeaders.RETRY_AFTER), clock), message(response));
    }

    private String message(Response response) {
        try {
            if (!response.hasEntity()) {
                return "";
            }
            String body = response.readEntity(String.class);
            JsonNode message = mapper.readTree(body).get("message");
            String text = message != null && message.isTextual() ? message.asText() : "";
            return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text;
        } catch (Exception e) {
            return "";
        }
    }

    /** Reads {@code Retry-After} in both of its forms: delay-seconds and an HTTP date. */
    static Optional<Duration> retryAfter(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            // Clamped here: an absurd value must not overflow later arithmetic (the policy applies its ceiling).
            return Optional.of(Duration.ofSeconds(Math.min(Math.max(0, Long.parseLong(value)), 86_400L * 365)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration delay = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }
}
