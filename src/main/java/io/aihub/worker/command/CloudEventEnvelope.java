package io.aihub.worker.command;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The CloudEvents 1.0 Kafka protocol binding, for incoming commands: recognises a record as an event in binary mode
 * ({@code ce_specversion} header) or structured mode ({@code content-type: application/cloudevents+json}, or a JSON
 * object with {@code specversion} together with {@code data} or {@code data_base64}, so a plain command carrying an
 * unknown {@code specversion} field stays a command), checks the required attributes ({@code id}, {@code source},
 * {@code type}, {@code specversion} 1.0) and returns the command its data holds. The version is checked before the
 * data is read, the other attributes after, so a refusal can name the command ID. Reasons name attributes, never
 * values.
 */
final class CloudEventEnvelope {

    static final String CE_SPEC_VERSION_HEADER = "ce_specversion";
    static final String CONTENT_TYPE_HEADER = "content-type";
    private static final String STRUCTURED = "application/cloudevents+json";
    private static final String BATCH = "application/cloudevents-batch+json";
    /** The required context attributes besides {@code specversion}. */
    private static final List<String> REQUIRED = List.of("id", "source", "type");

    private CloudEventEnvelope() {
    }

    /** True when the record is a CloudEvent in binary mode: its value is the data, its attributes are headers. */
    static boolean isBinary(Headers headers) {
        return header(headers, CE_SPEC_VERSION_HEADER).isPresent();
    }

    /** True when the record's JSON object is a CloudEvent in structured mode. */
    static boolean isStructured(Headers headers, ObjectNode root) {
        Optional<String> type = mediaType(header(headers, CONTENT_TYPE_HEADER));
        if (type.filter(t -> t.equals(STRUCTURED) || t.equals(BATCH)).isPresent()) {
            return true;
        }
        return root.has("specversion") && (root.has("data") || root.has("data_base64"));
    }

    /** Checks a binary-mode event's spec version, before its data (the record value) is read. */
    static void checkBinaryVersion(Headers headers) {
        requireSpecVersion(header(headers, CE_SPEC_VERSION_HEADER).orElse(""));
        requireJsonContentType(header(headers, CONTENT_TYPE_HEADER), CONTENT_TYPE_HEADER);
    }

    /**
     * Checks a binary-mode event's required attributes. Called once its data is read, so that a refusal can still
     * name the command ID it holds.
     */
    static void checkBinaryAttributes(Headers headers) {
        for (String attribute : REQUIRED) {
            if (header(headers, "ce_" + attribute).filter(v -> !v.isBlank()).isEmpty()) {
                throw invalid("ce_" + attribute + ": required in a CloudEvent (binary mode)");
            }
        }
    }

    /**
     * The command held by a structured-mode event, in {@code data} or {@code data_base64} (whose decoded bytes
     * {@code readJson} reads). Checks the spec version first: the data is read only when it is 1.0.
     */
    static ObjectNode structuredData(Headers headers, ObjectNode event, Function<byte[], JsonNode> readJson) {
        if (mediaType(header(headers, CONTENT_TYPE_HEADER)).filter(BATCH::equals).isPresent()) {
            throw invalid("content-type: batched CloudEvents are not supported, send one event per record");
        }
        JsonNode specVersion = event.get("specversion");
        if (specVersion == null || !specVersion.isTextual()) {
            throw invalid("specversion: required in a CloudEvent, as a string");
        }
        requireSpecVersion(specVersion.asText());
        JsonNode contentType = event.get("datacontenttype");
        if (contentType != null && !contentType.isTextual()) {
            throw invalid("datacontenttype: must be a string");
        }
        requireJsonContentType(Optional.ofNullable(contentType).map(JsonNode::asText), "datacontenttype");
        JsonNode data = present(event.get("data"));
        JsonNode base64 = present(event.get("data_base64"));
        if (data != null && base64 != null) {
            throw invalid("data, data_base64: a CloudEvent holds one of them, not both");
        }
        if (base64 != null) {
            data = readJson.apply(decode(base64));
        }
        if (data == null) {
            throw invalid("the CloudEvent has no data");
        }
        if (!data.isObject()) {
            throw invalid("the CloudEvent data is not a JSON object");
        }
        return (ObjectNode) data;
    }

    /** Checks a structured-mode event's required attributes, once its data is read. */
    static void checkStructuredAttributes(ObjectNode event) {
        for (String attribute : REQUIRED) {
            JsonNode value = event.get(attribute);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw invalid(attribute + ": required in a CloudEvent, as a non-empty string");
            }
        }
    }

    private static byte[] decode(JsonNode base64) {
        if (!base64.isTextual()) {
            throw invalid("data_base64: must be a string");
        }
        try {
            return Base64.getDecoder().decode(base64.asText());
        } catch (IllegalArgumentException e) {
            throw invalid("data_base64: not valid base64 (RFC 4648)");
        }
    }

    private static void requireSpecVersion(String version) {
        if (!"1.0".equals(version)) {
            throw new InvalidCommandException(ErrorCode.UNSUPPORTED_CLOUDEVENT_VERSION,
                    "specversion: only CloudEvents 1.0 is supported");
        }
    }

    /** The data must be JSON to be a command: {@code application/json} or a {@code +json} type, when one is named. */
    private static void requireJsonContentType(Optional<String> contentType, String attribute) {
        Optional<String> type = mediaType(contentType);
        if (type.isPresent() && !type.get().equals("application/json") && !type.get().endsWith("+json")) {
            throw invalid(attribute + ": the data must be JSON (application/json or a +json type)");
        }
    }

    /** The media type without parameters, lower case. */
    private static Optional<String> mediaType(Optional<String> contentType) {
        return contentType.map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty());
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static Optional<String> header(Headers headers, String name) {
        if (headers == null) {
            return Optional.empty();
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static InvalidCommandException invalid(String reason) {
        return new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, reason);
    }
}
