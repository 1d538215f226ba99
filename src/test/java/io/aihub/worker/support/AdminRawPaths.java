package io.aihub.worker.support;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.aihub.testkit.RawHttp;

/**
 * Spellings of the admin paths that a path-string guard would miss and a router may still send to the admin
 * resources (design.md, "Admin endpoints"), for {@code GET /admin/commands} and {@code POST /admin/replay}, each sent
 * as a raw request line with no token, a wrong token and the right one.
 */
public final class AdminRawPaths {

    /** What the request presents. */
    public enum Credential {
        NONE,
        WRONG,
        RIGHT
    }

    /** One request: method, raw path, body, and whether the router sends it to an admin resource. */
    public record Probe(String method, String path, String body, boolean reachesAdminResource) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /**
     * A replay without a selection: the resource refuses it with 400 before reading Kafka, so the status shows the
     * request reached the resource without running a replay per spelling.
     */
    public static final String EMPTY_REPLAY = "{\"dry_run\": true}";

    /** A dry-run replay of a command that has no dead letter: harmless on any replica that runs it. */
    public static final String DRY_RUN_REPLAY = "{\"command_ids\": [\"raw-path-probe\"], \"dry_run\": true}";

    private static final List<String> SPELLINGS = List.of(
            "/admin/%s", // the normal path
            "/%%2e/admin/%s",
            "/%%2E/admin/%s",
            "/x/%%2e%%2e/admin/%s",
            "/%%2e%%2e/admin/%s",
            "/x/../admin/%s",
            "/./admin/%s",
            "//admin/%s",
            "/admin;x/%s",
            "/admin/%s;x",
            "/%%61dmin/%s",
            "/ADMIN/%s",
            "/Admin/%s",
            "/admin/%s/");

    /** Spellings the router does not send to the admin resources: its paths are case-sensitive. */
    private static final List<String> OTHER_RESOURCES = List.of("/ADMIN/%s", "/Admin/%s");

    /** Every spelling of {@code GET /admin/commands}, then every spelling of {@code POST /admin/replay}. */
    public static final List<Probe> PROBES = probes();

    private AdminRawPaths() {
    }

    private static List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        SPELLINGS.forEach(s -> probes.add(new Probe("GET", s.formatted("commands"), "", !OTHER_RESOURCES.contains(s))));
        SPELLINGS.forEach(s -> probes.add(new Probe("POST", s.formatted("replay"), EMPTY_REPLAY,
                !OTHER_RESOURCES.contains(s))));
        return List.copyOf(probes);
    }

    /** The status of every probe with every credential, sent to {@code 127.0.0.1:port}. */
    public static Map<Probe, Map<Credential, Integer>> measure(int port, String token) {
        Map<Probe, Map<Credential, Integer>> statuses = new LinkedHashMap<>();
        for (Probe probe : PROBES) {
            Map<Credential, Integer> byCredential = new EnumMap<>(Credential.class);
            byCredential.put(Credential.NONE, RawHttp.status(port, probe.method(), probe.path(), Optional.empty(),
                    probe.body()));
            byCredential.put(Credential.WRONG, RawHttp.status(port, probe.method(), probe.path(),
                    Optional.of("Bearer not-the-" + token), probe.body()));
            byCredential.put(Credential.RIGHT, RawHttp.status(port, probe.method(), probe.path(),
                    Optional.of("Bearer " + token), probe.body()));
            statuses.put(probe, byCredential);
        }
        return statuses;
    }
}
