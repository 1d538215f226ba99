package io.aihub.worker.command;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a command may name beyond its context, when the operator narrows it (off by default): the apps and
 * deployments ({@code aihub.allowed-apps}, {@code aihub.allowed-deployments}; setting either turns the target check
 * on, and an unset list then allows none of its kind) and the folders ({@code aihub.allowed-folder-prefixes}) that
 * {@code input_dir} and {@code output_dir} must lie in. Whoever writes the commands topic otherwise acts with all the
 * rights of the worker's AI Hub token (README, "Security"). Reasons name the field and the setting, never the value.
 *
 * @param apps app names ({@code owner/name} for an app named with its owner) and app IDs; empty: the check is off
 *        unless {@code deployments} is set
 * @param deployments deployment IDs
 * @param folderPrefixes allowed folders, each as its path segments; empty: any folder
 */
record AccessPolicy(Optional<Set<String>> apps, Optional<Set<String>> deployments, List<List<String>> folderPrefixes) {

    /** No allow-list: any app, deployment and folder the token reaches. */
    static final AccessPolicy OPEN = new AccessPolicy(Optional.empty(), Optional.empty(), List.of());

    /** The policy of the settings; refuses a folder prefix that could not be compared safely. */
    static AccessPolicy of(Optional<List<String>> apps, Optional<List<String>> deployments,
            Optional<List<String>> folderPrefixes) {
        List<List<String>> prefixes = folderPrefixes.orElse(List.of()).stream().map(prefix -> {
            List<String> segments = segments(prefix);
            if (segments.isEmpty() || !comparable(prefix, segments)) {
                throw new IllegalArgumentException("aihub.allowed-folder-prefixes: every prefix must name a folder,"
                        + " without '.' or '..' segments or control characters");
            }
            return segments;
        }).toList();
        return new AccessPolicy(apps.map(Set::copyOf), deployments.map(Set::copyOf), prefixes);
    }

    /** Refuses a target or a folder outside the allow-lists. */
    void check(Target target, Input input, Optional<String> outputDir) {
        checkTarget(target);
        if (input instanceof Input.Folder folder) {
            checkFolder("input_dir", folder.inputDir());
        }
        outputDir.ifPresent(dir -> checkFolder("output_dir", dir));
    }

    private void checkTarget(Target target) {
        if (apps.isEmpty() && deployments.isEmpty()) {
            return;
        }
        Set<String> allowedApps = apps.orElse(Set.of());
        boolean allowed;
        String field;
        if (target instanceof Target.Deployment deployment) {
            allowed = deployments.orElse(Set.of()).contains(deployment.deploymentId());
            field = "deployment_id: not in aihub.allowed-deployments";
        } else if (target instanceof Target.AppById app) {
            allowed = allowedApps.contains(app.appId());
            field = "app_id: not in aihub.allowed-apps";
        } else {
            Target.AppByName app = (Target.AppByName) target;
            allowed = allowedApps.contains(app.owner().map(owner -> owner + "/" + app.appName()).orElse(app.appName()));
            field = app.owner().isPresent() ? "app_name, owner: owner/app_name not in aihub.allowed-apps"
                    : "app_name: not in aihub.allowed-apps";
        }
        if (!allowed) {
            throw new InvalidCommandException(ErrorCode.TARGET_NOT_ALLOWED, field);
        }
    }

    private void checkFolder(String field, String folder) {
        if (folderPrefixes.isEmpty()) {
            return;
        }
        List<String> segments = segments(folder);
        if (!comparable(folder, segments)) {
            throw new InvalidCommandException(ErrorCode.FOLDER_NOT_ALLOWED, field + ": '.' and '..' segments and"
                    + " control characters are refused while aihub.allowed-folder-prefixes is set");
        }
        boolean inside = folderPrefixes.stream()
                .anyMatch(prefix -> segments.size() >= prefix.size() && segments.subList(0, prefix.size()).equals(prefix));
        if (!inside) {
            throw new InvalidCommandException(ErrorCode.FOLDER_NOT_ALLOWED,
                    field + ": not in a folder of aihub.allowed-folder-prefixes");
        }
    }

    /** The folder's names, empty ones (leading, trailing, doubled slashes) left out. */
    private static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * True when a prefix comparison means what it says: no control character, and no segment that is, or
     * percent-decodes to, {@code .} or {@code ..} (a service that resolved them would leave the prefix).
     */
    private static boolean comparable(String path, List<String> segments) {
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            return false;
        }
        return segments.stream().map(AccessPolicy::decoded).noneMatch(s -> s.equals(".") || s.equals(".."));
    }

    private static String decoded(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return segment;
        }
    }
}
