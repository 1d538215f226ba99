package io.aihub.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads fault rules posted to {@code POST /_sim/faults}: one object or an array of them, each flat, e.g.
 * {@code {"operation": "SUBMIT", "name_contains": "slow", "times": 2, "action": "error", "status": 429,
 * "message": "slow down", "retry_after_seconds": 5}}. Actions: {@code latency} ({@code latency_ms}),
 * {@code error} ({@code status}, {@code message}, optional {@code retry_after_seconds} or
 * {@code retry_after_date} as an ISO-8601 instant, sent as an HTTP-date), {@code not_found}, {@code reset},
 * {@code slow_response} ({@code latency_ms}, after the work is done), {@code drop_response}, {@code malformed_body},
 * {@code error_after_success} (as {@code error}, answered after the work is done: the run exists), and for List
 * runs {@code listing_lag} ({@code lag_ms}), {@code page_cap} ({@code max_runs}) and {@code omit_tags}. Without
 * {@code times} a rule is unlimited; with {@code duration_ms} it holds for that long from when it is posted (measured
 * on the simulator's clock); with {@code probability} it hits only that share of the matching requests.
 */
final class FaultRuleJson {
    private static final Set<String> FIELDS = Set.of("operation", "name_contains", "times", "duration_ms", "probability",
            "action", "latency_ms", "status", "message", "retry_after_seconds", "retry_after_date", "lag_ms", "max_runs");
    private static final String ACTIONS = "latency, slow_response, error, error_after_success, not_found, reset, "
            + "drop_response, malformed_body, listing_lag, page_cap or omit_tags";

    private FaultRuleJson() {
    }

    /** The rules in {@code json}; {@code clock} measures their {@code duration_ms}. */
    static List<FaultRule> parse(JsonNode json, Clock clock) {
        List<FaultRule> rules = new ArrayList<>();
        if (json.isArray()) {
            for (JsonNode item : json) {
                rules.add(rule(item, clock));
            }
        } else {
            rules.add(rule(json, clock));
        }
        return rules;
    }

    private static FaultRule rule(JsonNode node, Clock clock) {
        if (!node.isObject()) {
            throw Rejection.badRequest("a fault rule must be a JSON object");
        }
        ObjectNode json = (ObjectNode) node;
        BodyFields.rejectUnknown(json, FIELDS, "");
        String operation = BodyFields.optString(json, "operation", "");
        FaultRule.Builder builder;
        try {
            builder = FaultRule.on(operation == null ? FaultOperation.ANY
                    : FaultOperation.valueOf(operation.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw Rejection.badRequest("operation must be one of SUBMIT, STATUS, LIST, RESULTS, DELETE, ANY");
        }
        String name = BodyFields.optNonEmptyString(json, "name_contains", "");
        if (name != null) {
            builder.nameContains(name);
        }
        Long times = BodyFields.optLong(json, "times", "");
        if (times != null) {
            if (times < 1) {
                throw Rejection.badRequest("times must be at least 1");
            }
            builder.times(times);
        }
        if (json.has("probability")) {
            JsonNode probability = json.get("probability");
            if (!probability.isNumber() || !(probability.asDouble() > 0 && probability.asDouble() <= 1)) {
                throw Rejection.badRequest("probability must be a number above 0 and at most 1");
            }
            builder.probability(probability.asDouble());
        }
        Long durationMs = BodyFields.optLong(json, "duration_ms", "");
        if (durationMs != null) {
            if (durationMs < 1) {
                throw Rejection.badRequest("duration_ms must be at least 1");
            }
            builder.forDuration(Duration.ofMillis(durationMs), clock);
        }
        try {
            return builder.then(action(json));
        } catch (IllegalArgumentException e) {
            throw Rejection.badRequest(e.getMessage());
        }
    }

    private static FaultAction action(ObjectNode json) {
        String action = BodyFields.optString(json, "action", "");
        if (action == null) {
            throw Rejection.badRequest("action is required");
        }
        switch (action) {
            case "latency":
                Long millis = BodyFields.optLong(json, "latency_ms", "");
                if (millis == null || millis < 0) {
                    throw Rejection.badRequest("latency needs a non-negative latency_ms");
                }
                return FaultAction.latency(Duration.ofMillis(millis));
            case "slow_response":
                Long slowMillis = BodyFields.optLong(json, "latency_ms", "");
                if (slowMillis == null || slowMillis < 0) {
                    throw Rejection.badRequest("slow_response needs a non-negative latency_ms");
                }
                return FaultAction.slowResponse(Duration.ofMillis(slowMillis));
            case "error":
                return error(json);
            case "error_after_success":
                return new FaultAction.ErrorAfterSuccess(error(json));
            case "listing_lag":
                Long lagMillis = BodyFields.optLong(json, "lag_ms", "");
                if (lagMillis == null || lagMillis < 1) {
                    throw Rejection.badRequest("listing_lag needs a positive lag_ms");
                }
                return FaultAction.listingLag(Duration.ofMillis(lagMillis));
            case "omit_tags":
                return FaultAction.omitTags();
            case "page_cap":
                Long maxRuns = BodyFields.optLong(json, "max_runs", "");
                if (maxRuns == null || maxRuns < 1 || maxRuns > Integer.MAX_VALUE) {
                    throw Rejection.badRequest("page_cap needs a positive max_runs");
                }
                return FaultAction.pageCap(maxRuns.intValue());
            case "not_found":
                return FaultAction.notFound();
            case "reset":
                return FaultAction.connectionReset();
            case "drop_response":
                return FaultAction.dropResponse();
            case "malformed_body":
                return FaultAction.malformedBody();
            default:
                throw Rejection.badRequest("action must be " + ACTIONS);
        }
    }

    private static FaultAction.ErrorResponse error(ObjectNode json) {
        Long status = BodyFields.optLong(json, "status", "");
        if (status == null) {
            throw Rejection.badRequest("error needs a status");
        }
        String message = BodyFields.optString(json, "message", "");
        String text = message == null ? "simulated error" : message;
        Long seconds = BodyFields.optLong(json, "retry_after_seconds", "");
        String date = BodyFields.optString(json, "retry_after_date", "");
        if (seconds != null && date != null) {
            throw Rejection.badRequest("give at most one of retry_after_seconds and retry_after_date");
        }
        Optional<String> retryAfter = Optional.empty();
        if (seconds != null) {
            retryAfter = Optional.of(Long.toString(seconds));
        } else if (date != null) {
            try {
                retryAfter = Optional.of(FaultAction.httpDate(Instant.parse(date)));
            } catch (DateTimeParseException e) {
                throw Rejection.badRequest("retry_after_date must be an ISO-8601 instant");
            }
        }
        return new FaultAction.ErrorResponse(status.intValue(), text, retryAfter);
    }
}
