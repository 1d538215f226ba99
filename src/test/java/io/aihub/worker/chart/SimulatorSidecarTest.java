package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Staging's {@code simulator.enabled}: the AI Hub simulator runs from its own image as a second container of the
 * worker pod, on the pod's loopback, and the worker keeps only its API root pointing there.
 */
class SimulatorSidecarTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    private final ChartRender.Manifests staging = renderCi("simulator-values.yaml");

    @Test
    void withTheSimulatorThePodRunsExactlyTheWorkerAndTheSimulator() {
        assertThat(containerNames(staging)).containsExactly("worker", "simulator");
        assertThat(staging.podSpec()).doesNotContainKey("initContainers");
    }

    @Test
    void theSimulatorImageIsItsRepositoryWithTheGivenTagOrTheChartsAppVersion() {
        assertThat(simulator(staging)).containsEntry("image", "registry.example.com/aihub/aihub-simulator:0.1.0")
                .containsEntry("imagePullPolicy", "IfNotPresent");
        assertThat(simulator(renderCi("simulator-values.yaml", "simulator.image.repository=registry.test/sim",
                "simulator.image.tag=0.1.0-staging"))).containsEntry("image", "registry.test/sim:0.1.0-staging");
    }

    @Test
    void aSimulatorDigestTakesPrecedenceOverItsTag() {
        ChartRender.Manifests pinned = renderCi("simulator-values.yaml", "simulator.image.digest=" + DIGEST,
                "simulator.image.pullPolicy=Always");

        assertThat(simulator(pinned)).containsEntry("image", "registry.example.com/aihub/aihub-simulator@" + DIGEST)
                .containsEntry("imagePullPolicy", "Always");
        assertThat(pinned.container()).containsEntry("image", "registry.example.com/aihub/aihub-run-worker:0.1.0");
    }

    @Test
    void theSimulatorListensOnLoopbackAndAcceptsTheWorkersOwnTokenFromTheSecret() {
        assertThat(Yamls.list(simulator(staging), "env")).containsExactly(
                Map.of("name", "AIHUB_SIMULATOR_HOST", "value", "127.0.0.1"),
                Map.of("name", "AIHUB_SIMULATOR_PORT", "value", "8099"),
                Map.of("name", "AIHUB_SIMULATOR_TOKEN", "valueFrom",
                        Map.of("secretKeyRef", Map.of("name", "aihub-run-worker", "key", "AIHUB_API_TOKEN"))),
                Map.of("name", "AIHUB_SIMULATOR_ADMIN_TOKEN", "valueFrom", Map.of("secretKeyRef",
                        Map.of("name", "aihub-run-worker", "key", "AIHUB_SIMULATOR_ADMIN_TOKEN", "optional", true))),
                Map.of("name", "AIHUB_SIMULATOR_PHASE_DURATION", "value", "10s"));
        assertThat(Yamls.env(staging.container(), "AIHUB_API_TOKEN")).isEqualTo(Map.of("name", "AIHUB_API_TOKEN",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "aihub-run-worker", "key", "AIHUB_API_TOKEN"))));
        assertThat(staging.secretValue("AIHUB_API_TOKEN")).isEqualTo("staging-token");
        assertThat(staging.secretValue("AIHUB_SIMULATOR_ADMIN_TOKEN")).isEqualTo("staging-admin-token");
    }

    @Test
    void anExistingSecretGivesTheSimulatorItsTokensUnderTheConfiguredKeysAndNoPhaseDurationLeavesItsDefault() {
        ChartRender.Manifests manifests = render("simulator.enabled=true", "secret.existingSecret=staging-creds",
                "secret.keys.apiToken=TOKEN", "secret.keys.simulatorAdminToken=SIM_ADMIN");

        assertThat(manifests.ofKind("Secret")).isEmpty();
        assertThat(Yamls.list(simulator(manifests), "env")).containsExactly(
                Map.of("name", "AIHUB_SIMULATOR_HOST", "value", "127.0.0.1"),
                Map.of("name", "AIHUB_SIMULATOR_PORT", "value", "8099"),
                Map.of("name", "AIHUB_SIMULATOR_TOKEN", "valueFrom",
                        Map.of("secretKeyRef", Map.of("name", "staging-creds", "key", "TOKEN"))),
                Map.of("name", "AIHUB_SIMULATOR_ADMIN_TOKEN", "valueFrom", Map.of("secretKeyRef",
                        Map.of("name", "staging-creds", "key", "SIM_ADMIN", "optional", true))));
    }

    @Test
    void theSimulatorRunsUnderTheWorkersHardenedSecurityContextWithAWritableTmpOnly() {
        Map<String, Object> expected = Map.of("runAsNonRoot", true, "readOnlyRootFilesystem", true,
                "allowPrivilegeEscalation", false, "capabilities", Map.of("drop", List.of("ALL")));

        assertThat(Yamls.map(simulator(staging), "securityContext")).isEqualTo(expected);
        assertThat(Yamls.map(staging.container(), "securityContext")).isEqualTo(expected);
        assertThat(Yamls.list(simulator(staging), "volumeMounts"))
                .containsExactly(Map.of("name", "simulator-tmp", "mountPath", "/tmp"));
        assertThat(Yamls.list(staging.podSpec(), "volumes")).containsExactly(
                Map.of("name", "tmp", "emptyDir", Map.of("sizeLimit", "256Mi")),
                Map.of("name", "simulator-tmp", "emptyDir", Map.of("sizeLimit", "16Mi")));
    }

    @Test
    void theSimulatorGetsSmallResourcesOfItsOwn() {
        assertThat(Yamls.at(simulator(staging), "resources")).isEqualTo(Map.of(
                "requests", Map.of("cpu", "50m", "memory", "256Mi"),
                "limits", Map.of("memory", "256Mi")));
    }

    @Test
    void theSimulatorDeclaresNoPortAndTheServiceExposesOnlyTheWorkers() {
        assertThat(simulator(staging)).doesNotContainKey("ports");
        assertThat(Yamls.list(staging.single("Service"), "spec", "ports")).containsExactly(
                Map.of("name", "http", "port", 8080, "targetPort", "http", "protocol", "TCP"),
                Map.of("name", "management", "port", 9000, "targetPort", "management", "protocol", "TCP"));
    }

    @Test
    void theSimulatorIsReadyOnceItAcceptsConnectionsOnLoopback() {
        assertThat(Yamls.at(simulator(staging), "readinessProbe")).isEqualTo(Map.of(
                "exec", Map.of("command", List.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8099")),
                "periodSeconds", 5, "timeoutSeconds", 2, "failureThreshold", 3));
    }

    @Test
    void theSimulatorKeepsAnsweringForTheWorkersWholeShutdown() {
        assertThat(Yamls.at(simulator(staging), "lifecycle", "preStop", "exec", "command"))
                .isEqualTo(List.of("sleep", "30"));
        assertThat(Yamls.at(simulator(renderCi("simulator-values.yaml", "shutdown.timeoutSeconds=45")), "lifecycle",
                "preStop", "exec", "command")).isEqualTo(List.of("sleep", "45"));
    }

    @Test
    void theWorkerGetsOnlyTheLoopbackApiRootAndNoSimulatorSetting() {
        assertThat(staging.configData()).containsEntry("AIHUB_API_ROOT", "http://127.0.0.1:8099/api");
        assertThat(staging.configData().keySet()).noneMatch(key -> key.startsWith("AIHUB_SIMULATOR_"));
        assertThat(Yamls.list(staging.container(), "env")).extracting(e -> Yamls.map(e).get("name"))
                .containsExactly("AIHUB_API_TOKEN");
    }

    @Test
    void anotherSimulatorPortMovesTheSimulatorAndTheWorkersApiRootTogether() {
        ChartRender.Manifests manifests = renderCi("simulator-values.yaml", "simulator.port=18099");

        assertThat(manifests.configData()).containsEntry("AIHUB_API_ROOT", "http://127.0.0.1:18099/api");
        assertThat(Yamls.env(simulator(manifests), "AIHUB_SIMULATOR_PORT"))
                .isEqualTo(Map.of("name", "AIHUB_SIMULATOR_PORT", "value", "18099"));
        assertThat(Yamls.at(simulator(manifests), "readinessProbe", "exec", "command"))
                .isEqualTo(List.of("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/18099"));
    }

    @Test
    void aSimulatorPortTakenByTheWorkerFailsToRender() {
        assertThatThrownBy(() -> renderCi("simulator-values.yaml", "simulator.port=9000"))
                .hasMessageContaining("simulator.port 9000 is the worker's containerPort or managementPort");
        assertThatThrownBy(() -> renderCi("simulator-values.yaml", "simulator.port=8080"))
                .hasMessageContaining("simulator.port 8080 is the worker's containerPort or managementPort");
    }

    @Test
    void schemaRejectsAPhaseDurationTheSimulatorCannotRead() {
        assertThatThrownBy(() -> renderCi("simulator-values.yaml", "simulator.phaseDuration=1m30s"))
                .hasMessageContaining("at '/simulator/phaseDuration'");
    }

    @Test
    void withoutTheSimulatorThePodRunsTheWorkerAloneAndNothingNamesTheSimulator() {
        ChartRender.Manifests defaults = renderCi("default-values.yaml", "simulator.adminToken=ignored");

        assertThat(containerNames(defaults)).containsExactly("worker");
        assertThat(defaults.configData()).containsEntry("AIHUB_API_ROOT", "https://aihub.instabase.com/api");
        assertThat(Yamls.list(defaults.podSpec(), "volumes"))
                .containsExactly(Map.of("name", "tmp", "emptyDir", Map.of("sizeLimit", "256Mi")));
        assertThat(Yamls.map(defaults.single("Secret"), "data")).containsOnlyKeys("AIHUB_API_TOKEN");
        assertThat(defaults.objects().toString()).doesNotContain("AIHUB_SIMULATOR_").doesNotContain("simulator");
    }

    private static List<Object> containerNames(ChartRender.Manifests manifests) {
        return Yamls.list(manifests.podSpec(), "containers").stream().map(c -> Yamls.map(c).get("name")).toList();
    }

    /** The container named {@code simulator}; fails when the pod has none. */
    private static Map<String, Object> simulator(ChartRender.Manifests manifests) {
        return Yamls.list(manifests.podSpec(), "containers").stream().map(c -> Yamls.map(c))
                .filter(c -> "simulator".equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no simulator container in " + containerNames(manifests)));
    }
}
