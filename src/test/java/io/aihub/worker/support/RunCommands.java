package io.aihub.worker.support;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.command.Input;
import io.aihub.worker.command.ResultsRequest;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.command.Target;

/**
 * Valid run commands for plain unit tests, built by name: an app by name on batch 1 in context {@code ctx} unless
 * a test says otherwise.
 */
public final class RunCommands {

    private RunCommands() {
    }

    /** A builder of the command {@code commandId}. */
    public static Builder command(String commandId) {
        return new Builder(commandId);
    }

    /** Sets the fields of a {@link RunCommand} one by one. */
    public static final class Builder {
        private final String commandId;
        private Target target = new Target.AppByName("invoice-app", Optional.empty());
        private Input input = new Input.Batch(1);
        private Optional<String> version = Optional.empty();
        private Optional<String> outputWorkspace = Optional.empty();
        private Optional<String> outputDir = Optional.empty();
        private Optional<ObjectNode> settings = Optional.empty();
        private String ibContext = "ctx";
        private Map<String, String> metadata = Map.of();
        private ResultsRequest results = ResultsRequest.NONE;
        private Set<String> secrets = Set.of();

        private Builder(String commandId) {
            this.commandId = commandId;
        }

        public Builder target(Target value) {
            this.target = value;
            return this;
        }

        public Builder input(Input value) {
            this.input = value;
            return this;
        }

        public Builder version(String value) {
            this.version = Optional.of(value);
            return this;
        }

        public Builder outputWorkspace(String value) {
            this.outputWorkspace = Optional.of(value);
            return this;
        }

        public Builder outputDir(String value) {
            this.outputDir = Optional.of(value);
            return this;
        }

        public Builder settings(ObjectNode value) {
            this.settings = Optional.of(value);
            return this;
        }

        public Builder ibContext(String value) {
            this.ibContext = value;
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            this.metadata = value;
            return this;
        }

        public Builder results(ResultsRequest value) {
            this.results = value;
            return this;
        }

        public Builder secrets(String... values) {
            this.secrets = Set.of(values);
            return this;
        }

        public RunCommand build() {
            return new RunCommand(commandId, target, input, version, outputWorkspace, outputDir, settings, ibContext,
                    metadata, results, SecretMasking.valuesOnly().of(commandId, secrets));
        }
    }
}
