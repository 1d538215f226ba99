package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** A PodDisruptionBudget only when more than one replica is guaranteed, so a single replica can still drain. */
class PodDisruptionBudgetTest {

    @Test
    void noBudgetWhenTheAutoscalerMayRunOneReplica() {
        assertThat(renderCi("default-values.yaml", "autoscaling.mode=keda").ofKind("PodDisruptionBudget")).isEmpty();
    }

    @Test
    void noBudgetWithOneFixedReplica() {
        assertThat(render("autoscaling.mode=none", "replicaCount=1").ofKind("PodDisruptionBudget")).isEmpty();
    }

    @Test
    void threeFixedReplicasGetABudgetOfOneUnavailable() {
        Map<String, Object> spec = Yamls.map(renderCi("replicas-values.yaml").single("PodDisruptionBudget"), "spec");

        assertThat(spec).isEqualTo(Map.of("maxUnavailable", 1, "selector", Map.of("matchLabels", Map.of(
                "app.kubernetes.io/name", "aihub-run-worker", "app.kubernetes.io/instance", "aihub-run-worker"))));
    }

    @Test
    void anAutoscalerMinimumAboveOneGetsABudget() {
        assertThat(renderCi("keda-sasl-values.yaml").ofKind("PodDisruptionBudget")).hasSize(1);
        assertThat(renderCi("hpa-values.yaml").ofKind("PodDisruptionBudget")).hasSize(1);
    }

    @Test
    void aDisabledBudgetStaysOffWithManyReplicas() {
        assertThat(renderCi("replicas-values.yaml", "podDisruptionBudget.enabled=false").ofKind("PodDisruptionBudget"))
                .isEmpty();
    }
}
