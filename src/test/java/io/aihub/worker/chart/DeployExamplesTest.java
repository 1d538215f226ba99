package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.CHART;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The deployment examples beside the chart agree with it and with the topic layout the worker requires. */
class DeployExamplesTest {

    private static final Path DEPLOY = Path.of("deploy");

    private static Map<String, Map<String, Object>> topicsByName() throws IOException {
        return ChartRender.Manifests.parse(Files.readString(DEPLOY.resolve("kubernetes/topics.yaml"))).objects()
                .stream().collect(Collectors.toMap(t -> (String) Yamls.at(t, "metadata", "name"), t -> t));
    }

    @Test
    void topicsFileDefinesTheFiveTopicsAsStrimziKafkaTopics() throws IOException {
        Map<String, Map<String, Object>> topics = topicsByName();

        assertThat(topics).containsOnlyKeys("aihub.run.commands", "aihub.run.ledger", "aihub.run.events",
                "aihub.run.commands.dlq", "aihub.run.results");
        assertThat(topics.values()).allSatisfy(t -> assertThat(t).containsEntry("apiVersion",
                "kafka.strimzi.io/v1beta2").containsEntry("kind", "KafkaTopic"));
    }

    @Test
    void theLedgerIsCompactedAndHasTheCommandsTopicsPartitionCount() throws IOException {
        Map<String, Map<String, Object>> topics = topicsByName();
        Map<String, Object> ledger = topics.get("aihub.run.ledger");

        assertThat(Yamls.at(ledger, "spec", "partitions"))
                .isEqualTo(Yamls.at(topics.get("aihub.run.commands"), "spec", "partitions")).isEqualTo(12);
        assertThat(Yamls.map(ledger, "spec", "config")).containsEntry("cleanup.policy", "compact")
                .containsEntry("segment.ms", 3600000).containsEntry("min.cleanable.dirty.ratio", 0.1)
                .containsEntry("delete.retention.ms", 86400000);
    }

    @Test
    void deadLettersAreKeptForFourWeeks() throws IOException {
        assertThat(Yamls.at(topicsByName().get("aihub.run.commands.dlq"), "spec", "config", "retention.ms"))
                .isEqualTo(2419200000L);
    }

    @Test
    void productionValuesRenderKedaAnExistingSecretMonitoringAndANetworkPolicy() throws IOException {
        ChartRender.Manifests manifests = ChartRender.render(CHART,
                DEPLOY.resolve("kubernetes/values-production.yaml"));

        assertThat(manifests.kinds()).containsExactly("ConfigMap", "Deployment", "NetworkPolicy",
                "PodDisruptionBudget", "PrometheusRule", "ScaledObject", "Service", "ServiceAccount", "ServiceMonitor",
                "TriggerAuthentication");
        assertThat(Yamls.at(manifests.single("ScaledObject"), "spec", "maxReplicaCount"))
                .isEqualTo(Yamls.at(topicsByName().get("aihub.run.commands"), "spec", "partitions"));
        assertThat(manifests.configData()).containsEntry("AIHUB_API_ROOT", "https://aihub.instabase.com/api")
                .containsEntry("WORKER_LEDGER_CREATE_TOPIC", "false");
        assertThat(Yamls.list(manifests.podSpec(), "containers")).hasSize(1);
        assertThat(topicsByName()).containsKey((String) manifests.configData().get("WORKER_TOPIC_LEDGER"))
                .containsKey((String) manifests.configData().get("WORKER_TOPIC_COMMANDS"));
    }

    @Test
    void theDashboardChartsTheConsumerLagTheJvmAndTheReplicasUp() throws IOException {
        JsonNode dashboard = new ObjectMapper()
                .readTree(DEPLOY.resolve("grafana/aihub-run-worker-dashboard.json").toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            if (p.has("targets")) {
                p.get("targets").forEach(t -> expressions.add(t.get("expr").asText()));
            }
        });

        // The worker's own metrics are checked against the README's table by observability.MetricsCatalogTest.
        assertThat(String.join("\n", expressions)).contains("kafka_consumer_fetch_manager_records_lag_max",
                "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "up{");
        assertThat(dashboard.get("uid").asText()).isEqualTo("aihub-run-worker");
    }

    @Test
    void theResultsTopicMatchesTheCommandsPartitionsAndTakesTheLargestResultRecord() throws IOException {
        Map<String, Map<String, Object>> topics = topicsByName();
        Map<String, Object> results = topics.get("aihub.run.results");
        Map<String, String> config = ChartRender.render(CHART, DEPLOY.resolve("kubernetes/values-production.yaml"))
                .configData().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> (String) e.getValue()));

        assertThat(Yamls.at(results, "spec", "partitions"))
                .isEqualTo(Yamls.at(topics.get("aihub.run.commands"), "spec", "partitions"));
        assertThat(config).containsEntry("WORKER_TOPIC_RESULTS", "aihub.run.results");
        assertThat(((Number) Yamls.at(results, "spec", "config", "max.message.bytes")).longValue())
                .isGreaterThan(Long.parseLong(config.get("WORKER_RESULTS_MAX_RECORD_BYTES")));
        assertThat(Yamls.at(results, "spec", "config", "retention.ms"))
                .isEqualTo(Yamls.at(topics.get("aihub.run.events"), "spec", "config", "retention.ms"));
    }

    @Test
    void productionValuesShareTheOrganisationsBudgetAndReadTheAdminTokenFromTheExistingSecret() {
        ChartRender.Manifests manifests = ChartRender.render(CHART,
                DEPLOY.resolve("kubernetes/values-production.yaml"));

        assertThat(manifests.configData()).containsEntry("WORKER_RATE_LIMIT_REQUESTS_PER_SECOND", "10")
                .containsEntry("WORKER_ADMIN_ENABLED", "true").containsEntry("WORKER_ORDERING", "key")
                .containsEntry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true").doesNotContainKey("WORKER_ADMIN_TOKEN");
        assertThat(Yamls.env(manifests.container(), "WORKER_ADMIN_TOKEN")).isEqualTo(Map.of("name",
                "WORKER_ADMIN_TOKEN", "valueFrom", Map.of("secretKeyRef",
                        Map.of("name", "aihub-run-worker-credentials", "key", "WORKER_ADMIN_TOKEN"))));
        assertThat(Yamls.list(manifests.single("NetworkPolicy"), "spec", "ingress")).hasSize(3);
    }
}
