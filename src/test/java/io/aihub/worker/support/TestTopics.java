package io.aihub.worker.support;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** The worker's topic names in one application start under test. */
public record TestTopics(String commands, String events, String deadLetters, String ledger, String results) {

    /** The worker's default topic names. */
    public static final TestTopics DEFAULTS = new TestTopics("aihub.run.commands", "aihub.run.events",
            "aihub.run.commands.dlq", "aihub.run.ledger", "aihub.run.results");

    /** The default names with {@code suffix} appended. */
    static TestTopics withSuffix(String suffix) {
        return new TestTopics("aihub.run.commands." + suffix, "aihub.run.events." + suffix,
                "aihub.run.commands.dlq." + suffix, "aihub.run.ledger." + suffix, "aihub.run.results." + suffix);
    }

    /** The names the running application was configured with. */
    public static TestTopics ofRunningApplication() {
        Config config = ConfigProvider.getConfig();
        return new TestTopics(config.getValue("worker.topic.commands", String.class),
                config.getValue("worker.topic.events", String.class),
                config.getValue("worker.topic.dead-letters", String.class),
                config.getValue("worker.topic.ledger", String.class),
                config.getValue("worker.topic.results", String.class));
    }
}
