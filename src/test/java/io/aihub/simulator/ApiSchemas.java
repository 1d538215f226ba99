package io.aihub.simulator;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * The shapes the AI Hub API answers in, as JSON Schemas of our own written from {@code docs/aihub-api.md}
 * ({@code src/test/resources/aihub-api/*.schema.json}), and which one an answer must match: the run object for Run
 * app, Run deployment and Get run status, the run list, a results page, the Delete run jobs, and
 * {@code {"message"}} for every error. {@link SimulatorFixture} checks every API answer of the simulator tests here.
 */
final class ApiSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUNS = Pattern.compile("/api/v2/apps/runs");
    private static final Pattern RUN = Pattern.compile("/api/v2/apps/runs/[^/]+");
    private static final Pattern RESULTS = Pattern.compile("/api/v2/apps/runs/[^/]+/results");
    private static final Pattern DEPLOYMENT_RUNS = Pattern.compile("/api/v2/apps/deployments/[^/]+/runs");
    private static final Map<String, JsonSchema> SCHEMAS = load(Set.of("run", "run-list", "results", "delete",
            "error"));

    private ApiSchemas() {
    }

    /**
     * The schema an answer to {@code method path} with {@code status} must match; empty for what is not the AI Hub
     * API (the simulator's {@code /_sim} admin routes).
     */
    static Optional<String> schemaFor(String method, String path, int status) {
        if (!path.startsWith("/api/")) {
            return Optional.empty();
        }
        if (status >= 400) {
            return Optional.of("error");
        }
        if (method.equals("POST") && (RUNS.matcher(path).matches() || DEPLOYMENT_RUNS.matcher(path).matches())) {
            return Optional.of("run");
        }
        if (method.equals("GET") && RUNS.matcher(path).matches()) {
            return Optional.of("run-list");
        }
        if (method.equals("GET") && RUN.matcher(path).matches()) {
            return Optional.of("run");
        }
        if (method.equals("GET") && RESULTS.matcher(path).matches()) {
            return Optional.of("results");
        }
        if (method.equals("DELETE") && RUN.matcher(path).matches()) {
            return Optional.of("delete");
        }
        throw new AssertionError("the API has no " + status + " answer to " + method + " " + path);
    }

    /** Fails unless {@code body} is JSON of the shape {@code schema} describes; the message lists every breach. */
    static void assertConforms(String schema, String body, String what) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError(what + " answered a body that is not JSON: " + body, e);
        }
        if (json == null) {
            throw new AssertionError(what + " answered an empty body, not " + schema);
        }
        Set<ValidationMessage> breaches = SCHEMAS.get(schema).validate(json);
        if (!breaches.isEmpty()) {
            throw new AssertionError(what + " does not match " + schema + ".schema.json: " + breaches + "\n" + body);
        }
    }

    private static Map<String, JsonSchema> load(Set<String> names) {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        Map<String, JsonSchema> schemas = new HashMap<>();
        for (String name : names) {
            JsonSchema schema = factory.getSchema(SchemaLocation.of("classpath:aihub-api/" + name + ".schema.json"));
            schema.initializeValidators(); // resolve every $ref now: a broken schema fails at once, not mid-test
            schemas.put(name, schema);
        }
        return Map.copyOf(schemas);
    }
}
