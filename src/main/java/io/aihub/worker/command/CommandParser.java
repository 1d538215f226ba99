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
            Unwrapped unwrapped = readCommandObject(value, headers);
            command = unwrapped.command();
            unwrapped.envelopeCheck().run();
            return new ParseResult.Parsed(validator.validate(command));
        } catch (InvalidCommandException e) {
            Optional<String> commandId = readableCommandId(command);
            return new ParseResult.Invalid(e.code(), e.getMessage(), commandId,
                    commandId.isPresent() ? readableMetadata(command) : Map.of());
        }
    }

    /** The command object, and the check of its CloudEvent envelope that is left until the command is known. */
    private record Unwrapped(ObjectNode command, Runnable envelopeCheck) {
    }

    private Unwrapped readCommandObject(byte[] value, Headers headers) {
        if (value == null) {
            throw new InvalidCommandException(ErrorCode.TOMBSTONE, "the record has no value");
        }
        if (value.length > maxBytes) {
            throw new InvalidCommandException(ErrorCode.TOO_LARGE, "the record value exceeds " + maxBytes + " bytes");
        }
        if (CloudEventEnvelope.isBinary(headers)) {
            CloudEventEnvelope.checkBinaryVersion(headers);
            if (value.length == 0) {
                throw new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, "the CloudEvent has no data");
            }
            JsonNode data = readJson(value);
            if (!data.isObject()) {
                throw new InvalidCommandException(ErrorCode.INVALID_CLOUDEVENT, "the CloudEvent data is not a JSON object");
            }
            return new Unwrapped((ObjectNode) data, () -> CloudEventEnvelope.checkBinaryAttributes(headers));
        }
        JsonNode root = readJson(value);
        if (!root.isObject()) {
            throw new InvalidCommandException(ErrorCode.NOT_AN_OBJECT, "the command is not a JSON object");
        }
        ObjectNode object = (ObjectNode) root;
        if (!CloudEventEnvelope.isStructured(headers, object)) {
            return new Unwrapped(object, () -> {
            });
        }
        return new Unwrapped(CloudEventEnvelope.structuredData(headers, object, this::readJson),
                () -> CloudEventEnvelope.checkStructuredAttributes(object));
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
        return id != null && id.isTextual() && IdentifierRules.isValidCommandId(id.asText())
                ? Optional.of(id.asText())
                : Optional.empty();
    }
}
