package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.CHART;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code helm test} pod checks the Service's readiness endpoint. Helm renders test hooks apart from the
 * manifests, and helm-java's template returns only the manifests, so the pod is rendered from a copy of the chart
 * whose test template has its hook annotation taken out.
 */
class HelmTestPodTest {

    private static final Path TEST_TEMPLATE = Path.of("templates", "tests", "test-readiness.yaml");
    private static final String HOOK_LINE = "    helm.sh/hook: test";

    @TempDir
    Path tmp;
    private Path copy;

    @BeforeEach
    void copyChartWithoutTheHookAnnotation() throws IOException {
        copy = tmp.resolve("aihub-run-worker");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Path template = copy.resolve(TEST_TEMPLATE);
        Files.writeString(template, Files.readString(template).replace(HOOK_LINE + "\n", ""));
    }

    @Test
    void theTestTemplateIsAHelmTestHook() throws IOException {
        assertThat(Files.readAllLines(CHART.resolve(TEST_TEMPLATE))).contains(HOOK_LINE);
    }

    @Test
    void theTestPodCurlsTheServicesReadinessEndpointOnTheManagementPort() {
        Map<String, Object> pod = testPod(ChartRender.render(copy, null, "aihub.apiToken=t"));

        List<Object> command = Yamls.list(pod, "spec", "containers", 0, "command");
        assertThat(command).first().isEqualTo("curl");
        assertThat(command).contains("--fail").last().isEqualTo("http://aihub-run-worker:9000/q/health/ready");
        assertThat(Yamls.map(pod, "spec")).containsEntry("restartPolicy", "Never")
                .containsEntry("automountServiceAccountToken", false);
    }

    @Test
    void theTestPodIsNotSelectedByTheService() {
        Map<String, Object> labels = Yamls.map(testPod(ChartRender.render(copy, null)), "metadata", "labels");

        assertThat(labels).doesNotContainKey("app.kubernetes.io/name")
                .containsEntry("app.kubernetes.io/component", "helm-test");
    }

    @Test
    void theTestPodIsLeftOutWhenTestsAreDisabled() {
        assertThat(ChartRender.render(copy, null, "tests.enabled=false").ofKind("Pod")).isEmpty();
    }

    private static Map<String, Object> testPod(ChartRender.Manifests manifests) {
        Map<String, Object> pod = manifests.single("Pod");
        assertThat(Yamls.at(pod, "metadata", "name")).isEqualTo("aihub-run-worker-test-readiness");
        return pod;
    }
}
