package io.aihub.worker.command;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.config.WorkerConfig;

/**
 * Turns the raw bytes of a commands-topic record into a {@link ParseResult}. It reads plain JSON commands and
 * CloudEvents in binary mode ({@code ce_*} headers) or structured mode, and never lets an exception escape: every
 * malformed input becomes an {@link ParseResult.Invalid} with our own error code. Jackson's messages are never
 * passed on because they quote the input.
 */
@ApplicationScoped
public class CommandParser {

    static final String CE_SPEC_VERSION_HEADER = "ce_specversion";
    static final String CONTENT_TYPE_HEADER = "content-type";

    private final ObjectMapper mapper;
    private final int maxBytes;
    private final CommandValidator validator;

    @Inject
    public CommandParser(WorkerConfig config, CommandValidator validator) {
        this(config.limits().maxCommandBytes(), config.limits().maxJsonDepth(), validator);
    }

    CommandParser(int maxBytes, int maxDepth, CommandValidator validator) {
        this.maxBytes = maxBytes;
        this.validator = validator;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    /** Reads one record's value and headers. */
    public ParseResult parse(byte[] value, Headers headers) {
        ObjectNode command = null;
        try {
            command = readCommandObject(value, headers);
            return new ParseResult.Parsed(validator.validate(command));
        } catch (InvalidCommandException e) {
            Optional<String> commandId = readableCommandId(command);
            return new ParseResult.Invalid(e.code(), e.getMessage(), commandId,
                    commandId.isPresent() ? readableMetadata(command) : Map.of());
        }
    }

    private ObjectNode readCommandObject(byte[] value, Headers headers) {
        if (value == null) {
            throw new InvalidCommandException(ErrorCode.TOMBSTONE, "the record has no value");
        }
        if (value.length > maxBytes) {
            throw new InvalidCommandException(ErrorCode.TOO_LARGE, "the record value exceeds " + maxBytes + " bytes");
        }
        Optional<String> binarySpecVersion = header(headers, CE_SPEC_VERSION_HEADER);
        if (binarySpecVersion.isPresent()) {
            requireSpecVersion(binarySpecVersion.get());
            if (value.length == 0) {
                throw new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, "the CloudEvent has no data");
            }
            JsonNode data = readJson(value);
            if (!data.isObject()) {
                throw new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, "the CloudEvent data is not a JSON object");
            }
            return (ObjectNode) data;
        }
        JsonNode root = readJson(value);
        if (!root.isObject()) {
            throw new InvalidCommandException(ErrorCode.NOT_AN_OBJECT, "the command is not a JSON object");
        }
        boolean structured = header(headers, CONTENT_TYPE_HEADER).filter(t -> t.startsWith("application/cloudevents"))
                .isPresent() || root.has("specversion");
        return structured ? unwrapStructured((ObjectNode) root) : (ObjectNode) root;
    }

    private ObjectNode unwrapStructured(ObjectNode event) {
        JsonNode specVersion = event.get("specversion");
        if (specVersion == null || !specVersion.isTextual()) {
            throw new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, "specversion: required in a CloudEvent");
        }
        requireSpecVersion(specVersion.asText());
        JsonNode data = event.get("data");
        if (data == null || data.isNull()) {
            throw new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, "the CloudEvent has no data");
        }
        if (!data.isObject()) {
            throw new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, "the CloudEvent data is not a JSON object");
        }
        return (ObjectNode) data;
    }

    private static void requireSpecVersion(String version) {
        if (!"1.0".equals(version)) {
            throw new InvalidCommandException(ErrorCode.UNSUPPORTED_CLOUDEVENT_VERSION,
                    "specversion: only CloudEvents 1.0 is supported");
        }
    }

    private JsonNode readJson(byte[] value) {
        requireUtf8(value);
        try (JsonParser parser = mapper.createParser(value)) {
            JsonNode node = mapper.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw new InvalidCommandException(ErrorCode.INVALID_JSON, "the value is empty");
            }
            if (parser.nextToken() != null) {
                throw new InvalidCommandException(ErrorCode.INVALID_JSON, "the value has content after the JSON document");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new InvalidCommandException(ErrorCode.TOO_DEEP, "the JSON exceeds the nesting or size limits");
        } catch (IOException e) {
            throw new InvalidCommandException(ErrorCode.INVALID_JSON, "the value is not well-formed JSON");
        }
    }

    /** Strict decoding: invalid UTF-8 is a rejection, never silently replaced. */
    private static void requireUtf8(byte[] value) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new InvalidCommandException(ErrorCode.INVALID_ENCODING, "the value is not valid UTF-8");
        }
    }

    private static Optional<String> header(Headers headers, String name) {
        if (headers == null) {
            return Optional.empty();
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** The {@code metadata} of a command that broke another rule, when it is valid itself; else empty. */
    private Map<String, String> readableMetadata(ObjectNode command) {
        try {
            return validator.metadata(new CommandValidator.Fields(command));
        } catch (InvalidCommandException e) {
            return Map.of();
        }
    }

    private static Optional<String> readableCommandId(ObjectNode command) {
        if (command == null) {
            return Optional.empty();
        }
        JsonNode id = command.get("command_id");
        return id != null && id.isTextual() && CommandValidator.isValidCommandId(id.asText())
                ? Optional.of(id.asText())
                : Optional.empty();
    }
}
