package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.CHART;
import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

/** The chart lints cleanly, every CI values file renders, and the schema turns away wrong values. */
class ChartLintAndSchemaTest {

    static Stream<String> ciValuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-values.yaml")).sorted()
                    .toList().stream();
        }
    }

    @Test
    void chartPassesStrictLint() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.startsWith("[WARNING]") || m.startsWith("[ERROR]"));
    }

    @ParameterizedTest
    @MethodSource("ciValuesFiles")
    void everyCiValuesFileRendersADeploymentServiceAndConfigMap(String ciFile) {
        ChartRender.Manifests manifests = renderCi(ciFile);

        assertThat(manifests.ofKind("Deployment")).hasSize(1);
        assertThat(manifests.ofKind("Service")).hasSize(1);
        assertThat(manifests.ofKind("ConfigMap")).hasSize(1);
    }

    @Test
    void ciValuesFilesTogetherExerciseEveryOptionalObject() throws IOException {
        Set<String> kinds = new TreeSet<>();
        ciValuesFiles().forEach(f -> kinds.addAll(renderCi(f).kinds()));

        assertThat(kinds).containsAll(List.of("HorizontalPodAutoscaler", "ScaledObject", "TriggerAuthentication",
                "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor", "PrometheusRule", "Secret",
                "ServiceAccount"));
    }

    @Test
    void theChartRefusesClustersOlderThanKubernetes123() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName(ChartRender.RELEASE).withKubeVersion("v1.22.9")
                .set("aihub.apiToken", "t").call())
                .hasMessageContaining("chart requires kubeVersion: >=1.23.0-0");
        assertThat(new Helm(CHART).template().withName(ChartRender.RELEASE).withKubeVersion("v1.29.4-eks-036c24b")
                .set("aihub.apiToken", "t").call()).contains("kind: Deployment");
    }

    @Test
    void schemaRejectsAStringReplicaCount() {
        assertThatThrownBy(() -> render("replicaCount=two"))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/replicaCount': got string, want integer");
    }

    @Test
    void schemaRejectsAnUnknownAutoscalingMode() {
        assertThatThrownBy(() -> render("autoscaling.mode=vpa"))
                .hasMessageContaining("at '/autoscaling/mode': value must be one of 'keda', 'hpa', 'none'");
    }

    @Test
    void schemaRejectsAMisspelledTopLevelValue() {
        assertThatThrownBy(() -> render("replicas=3"))
                .hasMessageContaining("additional properties 'replicas' not allowed");
    }

    @Test
    void schemaRejectsAnUnknownKafkaSecurityProtocol() {
        assertThatThrownBy(() -> render("kafka.securityProtocol=TLS"))
                .hasMessageContaining("at '/kafka/securityProtocol'");
    }

    @Test
    void schemaRejectsAnUnknownOrdering() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "worker.ordering=random"))
                .hasMessageContaining("at '/worker/ordering': value must be one of 'unordered', 'key'");
    }

    @Test
    void schemaRejectsAResultsRecordLargerThanTheProducersRequestLimit() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "results.maxRecordBytes=2000000"))
                .hasMessageContaining("at '/results/maxRecordBytes'");
    }
}
