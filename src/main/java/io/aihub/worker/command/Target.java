package io.aihub.worker.command;

import java.util.Optional;

/** What a command runs: an app (by name or ID) or a deployment. */
public sealed interface Target {

    /** Name for logs and events: the app name, app ID or deployment ID. */
    String label();

    /** An app chosen by name, optionally with its owner ({@code instabase} for Marketplace apps). */
    record AppByName(String appName, Optional<String> owner) implements Target {
        @Override
        public String label() {
            return appName;
        }
    }

    /** An app chosen by ID. */
    record AppById(String appId, Optional<String> owner) implements Target {
        @Override
        public String label() {
            return appId;
        }
    }

    /** A deployment. */
    record Deployment(String deploymentId) implements Target {
        @Override
        public String label() {
            return deploymentId;
        }
    }
}
