package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Prometheus Operator objects: the ServiceMonitor scrapes /q/metrics on the management port; the alert thresholds
 * come from values.
 */
class MonitoringTest {

    private static final String SELECTOR = "namespace=\"aihub\",job=\"aihub-run-worker\"";

    private final ChartRender.Manifests monitoring = renderCi("monitoring-values.yaml");

    @Test
    void neitherObjectIsRenderedByDefault() {
        List<String> kinds = renderCi("default-values.yaml").kinds();

        assertThat(kinds).doesNotContain("ServiceMonitor", "PrometheusRule");
    }

    @Test
    void theServiceMonitorScrapesQuarkusMetricsOnTheNamedManagementPort() {
        Map<String, Object> monitor = monitoring.single("ServiceMonitor");

        assertThat(Yamls.list(monitor, "spec", "endpoints"))
                .containsExactly(
                        Map.of("port", "management", "path", "/q/metrics", "interval", "15s", "scrapeTimeout", "10s"));
        assertThat(Yamls.map(monitor, "metadata", "labels")).containsEntry("release", "kube-prometheus-stack");
        assertThat(Yamls.at(monitor, "spec", "namespaceSelector")).isEqualTo(Map.of("matchNames", List.of("aihub")));
        assertThat(Yamls.list(monitoring.single("Service"), "spec", "ports"))
                .contains(Map.of("name", "management", "port", 9000, "targetPort", "management", "protocol", "TCP"));
    }

    @Test
    void theRuleAlertsOnADownWorkerBrokerAndClientLagDeadLettersAiHubErrorsBacklogOutageAndMissingResults() {
        assertThat(rules()).extracting(r -> Yamls.at(r, "alert")).containsExactly("AihubRunWorkerDown",
                "AihubRunWorkerCommandsLagHigh", "AihubRunWorkerConsumerLagGrowing", "AihubRunWorkerDeadLettersRising",
                "AihubRunWorkerAiHubErrorRatioHigh", "AihubRunWorkerTrackingBacklog", "AihubRunWorkerAiHubOutage",
                "AihubRunWorkerResultsNotPublished");
        assertThat(rules()).allSatisfy(r -> assertThat(Yamls.map(r, "labels")).containsEntry("team", "documents"));
    }

    @Test
    void thresholdsAndWindowsComeFromValues() {
        assertThat(Yamls.at(rule("AihubRunWorkerDown"), "expr")).isEqualTo("absent(up{" + SELECTOR + "} == 1)");
        assertThat(Yamls.at(rule("AihubRunWorkerDown"), "for")).isEqualTo("3m");
        assertThat(Yamls.at(rule("AihubRunWorkerCommandsLagHigh"), "expr")).isEqualTo(
                "sum by (consumergroup, topic) (kafka_consumergroup_lag{consumergroup=\"aihub-run-worker\","
                        + "topic=\"aihub.run.commands\",namespace=\"kafka\"}) > 2000");
        assertThat(Yamls.at(rule("AihubRunWorkerConsumerLagGrowing"), "expr")).isEqualTo(
                "max(kafka_consumer_fetch_manager_records_lag_max{" + SELECTOR + "}) > 500\n"
                        + "and\n"
                        + "deriv(max(kafka_consumer_fetch_manager_records_lag_max{" + SELECTOR + "})[15m:1m]) > 0");
        assertThat(Yamls.at(rule("AihubRunWorkerDeadLettersRising"), "expr"))
                .isEqualTo("sum by (code) (increase(aihub_dead_letters_total{" + SELECTOR + "}[30m])) > 3");
        assertThat(Yamls.at(rule("AihubRunWorkerAiHubErrorRatioHigh"), "expr")).isEqualTo(
                "sum(rate(aihub_submission_attempts_total{" + SELECTOR + ",http_status=~\"5..|429|none\"}[10m]))\n"
                        + "/\n"
                        + "sum(rate(aihub_submission_attempts_total{" + SELECTOR + "}[10m]))\n"
                        + "> 0.1");
        assertThat(Yamls.at(rule("AihubRunWorkerAiHubErrorRatioHigh"), "labels", "severity")).isEqualTo("critical");
        assertThat(Yamls.at(rule("AihubRunWorkerTrackingBacklog"), "expr"))
                .isEqualTo("sum by (pod) (aihub_runs_in_flight{" + SELECTOR + "}) > 5000");
        assertThat(Yamls.at(rule("AihubRunWorkerAiHubOutage"), "expr"))
                .isEqualTo("max by (pod) (aihub_outage{" + SELECTOR + "}) == 1");
        assertThat(Yamls.at(rule("AihubRunWorkerAiHubOutage"), "for")).isEqualTo("5m");
        assertThat(Yamls.at(rule("AihubRunWorkerResultsNotPublished"), "expr")).isEqualTo(
                "sum(increase(aihub_results_runs_total{" + SELECTOR + ",outcome=\"failed\"}[30m])) > 0");
    }

    @Test
    void everyAlertLinksToTheRunbookAtTheConfiguredAddress() {
        assertThat(rules()).allSatisfy(r -> assertThat((String) Yamls.at(r, "annotations", "runbook_url"))
                .isEqualTo("https://docs.example.com/aihub-run-worker/runbook.md#"
                        + ((String) Yamls.at(r, "alert")).toLowerCase()));
    }

    @Test
    void aDisabledAlertIsLeftOut() {
        ChartRender.Manifests manifests = renderCi("monitoring-values.yaml",
                "prometheusRule.trackingBacklog.enabled=false", "prometheusRule.workerDown.enabled=false");
        List<Object> rules = Yamls.list(manifests.single("PrometheusRule"), "spec", "groups", 0, "rules");

        assertThat(rules).extracting(r -> Yamls.at(r, "alert"))
                .doesNotContain("AihubRunWorkerTrackingBacklog", "AihubRunWorkerDown").hasSize(6);
    }

    private List<Object> rules() {
        return Yamls.list(monitoring.single("PrometheusRule"), "spec", "groups", 0, "rules");
    }

    private Object rule(String alert) {
        return rules().stream().filter(r -> alert.equals(Yamls.at(r, "alert"))).findFirst().orElseThrow();
    }
}
