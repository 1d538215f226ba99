package io.aihub.worker.command;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.config.WorkerConfig;
import io.quarkus.runtime.Startup;

/**
 * The rules of run command version 1 ({@code design.md}, "Run command"). Stops at the first broken rule; every
 * reason names the field and the rule, never the value. Built at start-up, so allow-lists that cannot be applied
 * stop the worker rather than its first command.
 */
@Startup
@ApplicationScoped
public class CommandValidator {

    /** All tags of a run together, as the API allows. */
    static final int MAX_TAGS_LENGTH = 500;

    private final ContextPolicy contexts;
    private final AccessPolicy access;
    private final SecretMasking masking;
    private final int maxMetadataEntries;
    private final int maxMetadataValueLength;

    @Inject
    public CommandValidator(AiHubConfig aihub, WorkerConfig worker, SecretMasking masking) {
        this(new ContextPolicy(aihub.ibContext(), aihub.allowedContexts().orElse(List.of())),
                AccessPolicy.of(aihub.allowedApps(), aihub.allowedDeployments(), aihub.allowedFolderPrefixes()), masking,
                worker.limits().maxMetadataEntries(), worker.limits().maxMetadataValueLength());
    }

    CommandValidator(ContextPolicy contexts, AccessPolicy access, SecretMasking masking, int maxMetadataEntries,
            int maxMetadataValueLength) {
        this.contexts = contexts;
        this.access = access;
        this.masking = masking;
        this.maxMetadataEntries = maxMetadataEntries;
        this.maxMetadataValueLength = maxMetadataValueLength;
    }

    RunCommand validate(ObjectNode command) {
        Fields f = new Fields(command);
        String commandId = f.requiredString("command_id");
        IdentifierRules.requireCommandId(commandId);
        Target target = target(f);
        Input input = input(f, target instanceof Target.Deployment);
        Optional<String> version = f.optionalString("version");
        Optional<String> outputWorkspace = f.optionalString("output_workspace");
        Optional<String> outputDir = f.optionalString("output_dir");
        if (target instanceof Target.Deployment && outputWorkspace.isPresent()) {
            throw new InvalidCommandException(ErrorCode.CONFLICTING_FIELDS,
                    "output_workspace: not accepted with deployment_id (use output_dir)");
        }
        access.check(target, input, outputDir);
        Set<String> secrets = new HashSet<>();
        Optional<ObjectNode> settings = f.optionalObject("settings");
        settings.ifPresent(s -> new SettingsRules(RunCommand.runTag(commandId), MAX_TAGS_LENGTH).check(s, secrets));
        String context = contexts.resolve(f.optionalString("ib_context"));
        Map<String, String> metadata = metadata(f);
        ResultsRequest results = results(f);
        return new RunCommand(commandId, target, input, version, outputWorkspace, outputDir, settings, context,
                metadata, results, masking.of(commandId, secrets));
    }

    private static Target target(Fields f) {
        Optional<String> appName = f.optionalString("app_name");
        Optional<String> appId = f.optionalString("app_id");
        Optional<String> deploymentId = f.optionalString("deployment_id");
        Optional<String> owner = f.optionalString("owner");
        int given = (appName.isPresent() ? 1 : 0) + (appId.isPresent() ? 1 : 0) + (deploymentId.isPresent() ? 1 : 0);
        if (given == 0) {
            throw new InvalidCommandException(ErrorCode.MISSING_FIELD,
                    "app_name, app_id, deployment_id: one of them is required");
        }
        if (given > 1) {
            throw new InvalidCommandException(ErrorCode.CONFLICTING_FIELDS,
                    "app_name, app_id, deployment_id: exactly one may be given");
        }
        if (deploymentId.isPresent()) {
            if (owner.isPresent()) {
                throw new InvalidCommandException(ErrorCode.CONFLICTING_FIELDS, "owner: not accepted with deployment_id");
            }
            return new Target.Deployment(IdentifierRules.requireId("deployment_id", deploymentId.get()));
        }
        return appName.<Target> map(name -> new Target.AppByName(name, owner))
                .orElseGet(() -> new Target.AppById(IdentifierRules.requireId("app_id", appId.get()), owner));
    }

    private static Input input(Fields f, boolean deployment) {
        OptionalLong batchId = f.optionalLong("batch_id", 1, Long.MAX_VALUE); // batch IDs are positive
        Optional<String> inputDir = f.optionalString("input_dir");
        boolean upstream = f.optionalBoolean("manual_upstream_integration").orElse(false);
        OptionalLong from = f.optionalLong("from_timestamp", 0, Long.MAX_VALUE);
        OptionalLong to = f.optionalLong("to_timestamp", 0, Long.MAX_VALUE);
        if (upstream && !deployment) {
            throw new InvalidCommandException(ErrorCode.CONFLICTING_FIELDS,
                    "manual_upstream_integration: only a deployment can use its upstream integration");
        }
        int given = (batchId.isPresent() ? 1 : 0) + (inputDir.isPresent() ? 1 : 0) + (upstream ? 1 : 0);
        String group = deployment ? "batch_id, input_dir, manual_upstream_integration" : "batch_id, input_dir";
        if (given == 0) {
            throw new InvalidCommandException(ErrorCode.MISSING_FIELD, group + ": one of them is required");
        }
        if (given > 1) {
            throw new InvalidCommandException(ErrorCode.CONFLICTING_FIELDS, group + ": exactly one may be given");
        }
        if (!upstream && (from.isPresent() || to.isPresent())) {
            throw new InvalidCommandException(ErrorCode.CONFLICTING_FIELDS,
                    "from_timestamp, to_timestamp: only with manual_upstream_integration");
        }
        if (from.isPresent() != to.isPresent()) {
            throw new InvalidCommandException(ErrorCode.MISSING_FIELD,
                    "from_timestamp, to_timestamp: both or neither are required");
        }
        if (from.isPresent() && from.getAsLong() > to.getAsLong()) {
            throw invalid("from_timestamp: must not be after to_timestamp");
        }
        if (batchId.isPresent()) {
            return new Input.Batch(batchId.getAsLong());
        }
        return inputDir.<Input> map(Input.Folder::new).orElseGet(() -> new Input.Upstream(from, to));
    }

    Map<String, String> metadata(Fields f) {
        Optional<ObjectNode> metadata = f.optionalObject("metadata");
        if (metadata.isEmpty()) {
            return Map.of();
        }
        if (metadata.get().size() > maxMetadataEntries) {
            throw invalid("metadata: at most " + maxMetadataEntries + " entries");
        }
        Map<String, String> result = new LinkedHashMap<>();
        metadata.get().fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw invalid("metadata: every value must be a string");
            }
            if (e.getKey().length() > maxMetadataValueLength || e.getValue().asText().length() > maxMetadataValueLength) {
                throw invalid("metadata: keys and values are at most " + maxMetadataValueLength + " characters");
            }
            result.put(e.getKey(), e.getValue().asText());
        });
        return result;
    }

    private static ResultsRequest results(Fields f) {
        Optional<ObjectNode> results = f.optionalObject("results");
        if (results.isEmpty()) {
            return ResultsRequest.NONE;
        }
        Fields r = new Fields(results.get(), "results.");
        return new ResultsRequest(r.optionalBoolean("publish").orElse(false),
                r.optionalBoolean("include_review_results").orElse(false),
                r.optionalBoolean("include_confidence_scores").orElse(false),
                r.optionalBoolean("include_validation_results").orElse(false),
                r.optionalBoolean("include_source_info").orElse(false));
    }

    static InvalidCommandException invalid(String reason) {
        return new InvalidCommandException(ErrorCode.INVALID_FIELD, reason);
    }

    /** Typed access to an object's fields; a present JSON {@code null} counts as absent. */
    static final class Fields {
        private final ObjectNode node;
        private final String prefix;

        Fields(ObjectNode node) {
            this(node, "");
        }

        Fields(ObjectNode node, String prefix) {
            this.node = node;
            this.prefix = prefix;
        }

        private Optional<JsonNode> get(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
        }

        String requiredString(String name) {
            return optionalString(name).orElseThrow(
                    () -> new InvalidCommandException(ErrorCode.MISSING_FIELD, prefix + name + ": required"));
        }

        Optional<String> optionalString(String name) {
            return get(name).map(v -> {
                if (!v.isTextual()) {
                    throw invalid(prefix + name + ": must be a string");
                }
                if (v.asText().isBlank()) {
                    throw invalid(prefix + name + ": must not be empty");
                }
                return v.asText();
            });
        }

        OptionalLong optionalLong(String name, long min, long max) {
            Optional<JsonNode> value = get(name);
            if (value.isEmpty()) {
                return OptionalLong.empty();
            }
            JsonNode v = value.get();
            if (!v.isIntegralNumber()) {
                throw invalid(prefix + name + ": must be an integer");
            }
            if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
                throw invalid(prefix + name + ": out of range");
            }
            return OptionalLong.of(v.asLong());
        }

        Optional<Boolean> optionalBoolean(String name) {
            return get(name).map(v -> {
                if (!v.isBoolean()) {
                    throw invalid(prefix + name + ": must be true or false");
                }
                return v.asBoolean();
            });
        }

        Optional<ObjectNode> optionalObject(String name) {
            return get(name).map(v -> {
                if (!v.isObject()) {
                    throw invalid(prefix + name + ": must be an object");
                }
                return (ObjectNode) v;
            });
        }
    }
}
