package io.aihub.simulator;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads, leniently and before validation, what the recording and the fault rules need from a request: the
 * worker's command tag and the app, app ID or deployment name involved. Broken input yields empty results
 * here; rejecting it is the validators' job.
 */
final class RequestFacts {
    private RequestFacts() {
    }

    /** The first {@code aihub-run-worker:} tag in {@code settings.tags} of a JSON body. */
    static Optional<String> commandTag(JsonNode body) {
        JsonNode tags = body == null ? null : body.path("settings").path("tags");
        if (tags == null || !tags.isArray()) {
            return Optional.empty();
        }
        for (JsonNode tag : tags) {
            if (tag.isTextual() && tag.textValue().startsWith(RecordedRequest.COMMAND_TAG_PREFIX)) {
                return Optional.of(tag.textValue());
            }
        }
        return Optional.empty();
    }

    /** The body as a JSON tree, or null when it is not JSON at all. */
    static JsonNode lenientBody(RoutingContext ctx) {
        Buffer buffer = ctx.body().buffer();
        if (buffer == null || buffer.length() == 0) {
            return null;
        }
        try {
            return SimJson.MAPPER.readTree(buffer.getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    /** The name fault rules match for this request, depending on the operation. */
    static Optional<String> faultName(ApiExchange exchange, JsonNode body, RunStore store) {
        RoutingContext ctx = exchange.ctx();
        switch (exchange.operation()) {
            case SUBMIT:
                String deployment = ctx.pathParam("deploymentId");
                if (deployment != null) {
                    return Optional.of(deployment);
                }
                return Stream.of("app_name", "app_id")
                        .map(field -> body == null ? null : body.path(field))
                        .filter(node -> node != null && node.isTextual())
                        .map(JsonNode::textValue)
                        .findFirst();
            case STATUS:
            case RESULTS:
            case DELETE:
                return store.find(ctx.pathParam("runId")).map(SimulatedRun::scenarioName);
            case LIST:
                String names = List.of("app_name", "app_id", "deployment_id").stream()
                        .flatMap(param -> ctx.queryParam(param).stream())
                        .collect(Collectors.joining(" "));
                return names.isEmpty() ? Optional.empty() : Optional.of(names);
            default:
                return Optional.empty();
        }
    }
}
