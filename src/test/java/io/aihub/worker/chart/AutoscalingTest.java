package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * KEDA on the commands topic's lag or an HPA, never both, and never more replicas than partitions. No autoscaler by
 * default, so the chart installs on a cluster without KEDA; with KEDA, partitions that stand still (an AI Hub outage
 * pauses intake everywhere) add no replicas.
 */
class AutoscalingTest {

    @Test
    void byDefaultNoAutoscalerIsRenderedSoTheChartInstallsWithoutKedasCustomResources() {
        ChartRender.Manifests manifests = renderCi("default-values.yaml");

        assertThat(manifests.kinds())
                .doesNotContain("ScaledObject", "TriggerAuthentication", "HorizontalPodAutoscaler");
        assertThat(manifests.objects()).allSatisfy(o -> assertThat((String) o.get("apiVersion"))
                .as("only built-in API groups").doesNotContain("keda.sh", "monitoring.coreos.com"));
        assertThat(Yamls.map(manifests.deployment(), "spec")).containsEntry("replicas", 1);
    }

    @Test
    void kedaScalesTheDeploymentOnTheCommandsTopicsConsumerLag() {
        Map<String, Object> spec = Yamls.map(renderCi("default-values.yaml", "autoscaling.mode=keda")
                .single("ScaledObject"), "spec");

        assertThat(Yamls.at(spec, "scaleTargetRef", "name")).isEqualTo("aihub-run-worker");
        assertThat(spec).containsEntry("minReplicaCount", 1).containsEntry("maxReplicaCount", 6)
                .containsEntry("pollingInterval", 30).containsEntry("cooldownPeriod", 300);
        assertThat(Yamls.list(spec, "triggers")).containsExactly(Map.of(
                "type", "kafka",
                "metadata", Map.of(
                        "bootstrapServers", "my-cluster-kafka-bootstrap.kafka:9092",
                        "consumerGroup", "aihub-run-worker",
                        "topic", "aihub.run.commands",
                        "lagThreshold", "50",
                        "activationLagThreshold", "0",
                        "offsetResetPolicy", "earliest",
                        "allowIdleConsumers", "false",
                        "excludePersistentLag", "true")));
    }

    @Test
    void kedaIgnoresTheLagOfPartitionsWhoseOffsetsStandStillUnlessToldOtherwise() {
        // An outage pauses intake on every replica: offsets stop, lag grows, and more replicas would add nothing.
        assertThat(Yamls.at(render("autoscaling.mode=keda").single("ScaledObject"), "spec", "triggers", 0,
                "metadata", "excludePersistentLag")).isEqualTo("true");
        assertThat(Yamls.at(renderCi("keda-sasl-values.yaml").single("ScaledObject"), "spec", "triggers", 0,
                "metadata", "excludePersistentLag")).isEqualTo("false");
    }

    @Test
    void kedaWithoutSaslOrACaNeedsNoTriggerAuthentication() {
        assertThat(renderCi("default-values.yaml", "autoscaling.mode=keda").ofKind("TriggerAuthentication")).isEmpty();
    }

    @Test
    void kedaWithScramOverTlsAuthenticatesThroughATriggerAuthentication() {
        ChartRender.Manifests manifests = renderCi("keda-sasl-values.yaml");
        Map<String, Object> trigger = Yamls.map(manifests.single("ScaledObject"), "spec", "triggers", 0);

        assertThat(Yamls.map(trigger, "metadata")).containsEntry("sasl", "scram_sha512").containsEntry("tls", "enable")
                .containsEntry("bootstrapServers", "prod-kafka-bootstrap.kafka:9093")
                .containsEntry("lagThreshold", "100");
        assertThat(Yamls.at(trigger, "authenticationRef", "name")).isEqualTo("aihub-run-worker");
        assertThat(Yamls.list(manifests.single("TriggerAuthentication"), "spec", "secretTargetRef")).containsExactly(
                Map.of("parameter", "username", "name", "aihub-run-worker", "key", "KAFKA_SASL_USERNAME"),
                Map.of("parameter", "password", "name", "aihub-run-worker", "key", "KAFKA_SASL_PASSWORD"),
                Map.of("parameter", "ca", "name", "prod-cluster-ca-cert", "key", "ca.crt"));
    }

    @Test
    void hpaModeRendersAnHpaAndNoScaledObject() {
        ChartRender.Manifests manifests = renderCi("hpa-values.yaml");
        Map<String, Object> spec = Yamls.map(manifests.single("HorizontalPodAutoscaler"), "spec");

        assertThat(manifests.ofKind("ScaledObject")).isEmpty();
        assertThat(manifests.ofKind("TriggerAuthentication")).isEmpty();
        assertThat(spec).containsEntry("minReplicas", 2).containsEntry("maxReplicas", 4);
        assertThat(Yamls.at(spec, "scaleTargetRef"))
                .isEqualTo(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "aihub-run-worker"));
        assertThat(Yamls.list(spec, "metrics")).containsExactly(
                Map.of("type", "Resource", "resource", Map.of("name", "cpu",
                        "target", Map.of("type", "Utilization", "averageUtilization", 75))),
                Map.of("type", "Resource", "resource", Map.of("name", "memory",
                        "target", Map.of("type", "Utilization", "averageUtilization", 85))));
    }

    @Test
    void modeNoneRendersNeitherAutoscaler() {
        List<String> kinds = renderCi("replicas-values.yaml").kinds();

        assertThat(kinds).doesNotContain("ScaledObject", "HorizontalPodAutoscaler", "TriggerAuthentication");
    }

    @Test
    void maxReplicaCountAboveThePartitionCountFailsToRender() {
        assertThatThrownBy(() -> render("autoscaling.mode=keda", "kafka.commandsPartitions=6",
                "autoscaling.maxReplicaCount=7"))
                .hasMessageContaining("autoscaling.maxReplicaCount (7) must not exceed kafka.commandsPartitions (6)");
        assertThatThrownBy(() -> render("autoscaling.mode=hpa", "kafka.commandsPartitions=6",
                "autoscaling.maxReplicaCount=7"))
                .hasMessageContaining("autoscaling.maxReplicaCount (7) must not exceed kafka.commandsPartitions (6)");
    }

    @Test
    void maxReplicaCountEqualToThePartitionCountRenders() {
        Map<String, Object> spec = Yamls.map(
                render("autoscaling.mode=keda", "kafka.commandsPartitions=6", "autoscaling.maxReplicaCount=6")
                        .single("ScaledObject"),
                "spec");

        assertThat(spec).containsEntry("maxReplicaCount", 6);
    }

    @Test
    void kedaWithZeroMinimumReplicasIsRejected() {
        assertThatThrownBy(() -> render("autoscaling.minReplicaCount=0"))
                .hasMessageContaining("at '/autoscaling/minReplicaCount': minimum: got 0, want 1");
    }

    @Test
    void aMinimumAboveTheMaximumFailsToRender() {
        assertThatThrownBy(() -> render("autoscaling.mode=keda", "autoscaling.minReplicaCount=5",
                "autoscaling.maxReplicaCount=4"))
                .hasMessageContaining(
                        "autoscaling.minReplicaCount (5) must not exceed autoscaling.maxReplicaCount (4)");
    }

    @Test
    void hpaWithoutAnyTargetFailsToRender() {
        assertThatThrownBy(() -> render("autoscaling.mode=hpa", "autoscaling.hpa.targetCPUUtilizationPercentage=0"))
                .hasMessageContaining("autoscaling.mode hpa needs autoscaling.hpa.targetCPUUtilizationPercentage");
    }
}
