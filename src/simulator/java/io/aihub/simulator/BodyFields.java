package io.aihub.simulator;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed reads of request body fields. JSON null counts as absent (as for the service's optional fields); a
 * wrong type is a 400 whose message names the field and the expected type, never the value, because values
 * may be secrets.
 */
final class BodyFields {
    private BodyFields() {
    }

    /** Rejects the first field not in {@code allowed}, naming it with {@code prefix}. */
    static void rejectUnknown(ObjectNode object, Set<String> allowed, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw Rejection.badRequest("unknown field: " + prefix + name);
            }
        }
    }

    static String optString(ObjectNode object, String name, String prefix) {
        JsonNode node = present(object, name);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw Rejection.badRequest(prefix + name + " must be a string");
        }
        return node.textValue();
    }

    static String optNonEmptyString(ObjectNode object, String name, String prefix) {
        String value = optString(object, name, prefix);
        if (value != null && value.isEmpty()) {
            throw Rejection.badRequest(prefix + name + " must not be empty");
        }
        return value;
    }

    /** A JSON integer that fits in 64 bits; strings and floats (even {@code 5.0}) are refused. */
    static Long optLong(ObjectNode object, String name, String prefix) {
        JsonNode node = present(object, name);
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw Rejection.badRequest(prefix + name + " must be an integer");
        }
        return node.longValue();
    }

    /** A JSON number, integral or not (the API types some fields as {@code number}); strings are refused. */
    static Double optNumber(ObjectNode object, String name, String prefix) {
        JsonNode node = present(object, name);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw Rejection.badRequest(prefix + name + " must be a number");
        }
        return node.doubleValue();
    }

    static Boolean optBoolean(ObjectNode object, String name, String prefix) {
        JsonNode node = present(object, name);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw Rejection.badRequest(prefix + name + " must be a boolean");
        }
        return node.booleanValue();
    }

    static ObjectNode optObject(ObjectNode object, String name, String prefix) {
        JsonNode node = present(object, name);
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            throw Rejection.badRequest(prefix + name + " must be an object");
        }
        return (ObjectNode) node;
    }

    /** Requires every value of an object to be a string, naming the offending key only. */
    static void requireStringValues(ObjectNode object, String path) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!object.get(name).isTextual()) {
                throw Rejection.badRequest(path + "." + name + " must be a string");
            }
        }
    }

    private static JsonNode present(ObjectNode object, String name) {
        JsonNode node = object.get(name);
        return node == null || node.isNull() ? null : node;
    }
}
