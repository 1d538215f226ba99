package io.aihub.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.aihub.testkit.SimulatorProcess;

/**
 * The packaged artifacts keep their promise: the worker's application ({@code target/quarkus-app}, what the image
 * copies) holds no simulator class, and the simulator's own jar runs on its own and answers the runs API.
 */
class PackagedArtifactIT {

    @Test
    void the_packaged_worker_holds_no_simulator_or_test_support_class() throws IOException {
        List<String> offending = new ArrayList<>();
        List<Path> jars;
        try (Stream<Path> files = Files.walk(Path.of("target/quarkus-app"))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).toList();
        }
        assertThat(jars).anyMatch(jar -> jar.getFileName().toString().startsWith("aihub-run-worker"));
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().map(entry -> entry.getName())
                        .filter(name -> name.startsWith("io/aihub/simulator/") || name.startsWith("io/aihub/testkit/")
                                || name.contains("/simulator/"))
                        .forEach(name -> offending.add(jar.getFileName() + "!" + name));
            }
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void the_simulator_jar_runs_on_its_own_and_answers_the_runs_api() throws Exception {
        Path log = Files.createTempFile(Path.of("target"), "simulator-", ".log");
        try (SimulatorProcess simulator = SimulatorProcess.start(Map.of("token", "packaged-token"), List.of(), log)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> runs = http.send(HttpRequest.newBuilder(
                    URI.create(simulator.base() + "/api/v2/apps/runs?from_timestamp=0&to_timestamp=1"))
                    .header("Authorization", "Bearer packaged-token").header("IB-Context", "org-1").build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(
                    URI.create(simulator.base() + "/api/v2/apps/runs?from_timestamp=0&to_timestamp=1"))
                    .header("Authorization", "Bearer wrong").header("IB-Context", "org-1").build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(runs.statusCode()).isEqualTo(200);
            assertThat(runs.body()).contains("\"runs\"");
            assertThat(refused.statusCode()).isEqualTo(401);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
