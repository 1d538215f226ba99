package io.aihub.simulator;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.buffer.Buffer;

/** The simulator's one JSON mapper and the few conversions every handler needs. */
final class SimJson {
    /** Strict about trailing garbage so that {@code {}x} is rejected as the real service would. */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SimJson() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode message(String message) {
        return object().put("message", message);
    }

    /** Parses a request body; a missing, empty or broken body becomes a 400 naming the rule, not the content. */
    static ObjectNode parseObject(Buffer body) {
        if (body == null || body.length() == 0) {
            throw Rejection.badRequest("request body must be a JSON object");
        }
        try {
            JsonNode node = MAPPER.readTree(body.getBytes());
            if (node == null || !node.isObject()) {
                throw Rejection.badRequest("request body must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw Rejection.badRequest("request body must be a JSON object");
        }
    }

    static Buffer buffer(JsonNode node) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
