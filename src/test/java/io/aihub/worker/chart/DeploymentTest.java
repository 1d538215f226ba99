package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.aihub.worker.config.StartupChecks;

/** The worker's Deployment: secure by default, probed on the Quarkus health paths, drained gracefully. */
class DeploymentTest {

    private final ChartRender.Manifests defaults = renderCi("default-values.yaml");

    @Test
    void podRunsAsNonRootUser185WithRuntimeDefaultSeccomp() {
        Map<String, Object> pod = Yamls.map(defaults.podSpec(), "securityContext");

        assertThat(pod).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 185)
                .containsEntry("runAsGroup", 185).containsEntry("fsGroup", 185);
        assertThat(Yamls.at(pod, "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    }

    @Test
    void containerHasAReadOnlyRootNoPrivilegeEscalationAndNoCapabilities() {
        Map<String, Object> container = Yamls.map(defaults.container(), "securityContext");

        assertThat(container).containsEntry("runAsNonRoot", true).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(Yamls.list(container, "capabilities", "drop")).containsExactly("ALL");
    }

    @Test
    void serviceAccountTokenIsMountedNowhere() {
        assertThat(defaults.podSpec()).containsEntry("automountServiceAccountToken", false)
                .containsEntry("serviceAccountName", "aihub-run-worker");
        assertThat(defaults.single("ServiceAccount")).containsEntry("automountServiceAccountToken", false);
    }

    @Test
    void tmpIsAWritableEmptyDirOnTheReadOnlyRoot() {
        assertThat(Yamls.list(defaults.container(), "volumeMounts"))
                .containsExactly(Map.of("name", "tmp", "mountPath", "/tmp"));
        assertThat(Yamls.list(defaults.podSpec(), "volumes"))
                .containsExactly(Map.of("name", "tmp", "emptyDir", Map.of("sizeLimit", "256Mi")));
    }

    @Test
    void probesUseTheThreeQuarkusHealthEndpointsOnTheManagementPort() {
        Map<String, Object> container = defaults.container();

        assertThat(Yamls.at(container, "startupProbe", "httpGet"))
                .isEqualTo(Map.of("path", "/q/health/started", "port", "management"));
        assertThat(Yamls.at(container, "livenessProbe", "httpGet"))
                .isEqualTo(Map.of("path", "/q/health/live", "port", "management"));
        assertThat(Yamls.at(container, "readinessProbe", "httpGet"))
                .isEqualTo(Map.of("path", "/q/health/ready", "port", "management"));
        assertThat(Yamls.list(container, "ports")).containsExactly(
                Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"),
                Map.of("name", "management", "containerPort", 9000, "protocol", "TCP"));
        assertThat(defaults.configData()).containsEntry("QUARKUS_HTTP_PORT", "8080")
                .containsEntry("QUARKUS_MANAGEMENT_PORT", "9000");
    }

    @Test
    void theServiceExposesTheAdminAndManagementPortsUnderTheirOwnNames() {
        assertThat(Yamls.list(defaults.single("Service"), "spec", "ports")).containsExactly(
                Map.of("name", "http", "port", 8080, "targetPort", "http", "protocol", "TCP"),
                Map.of("name", "management", "port", 9000, "targetPort", "management", "protocol", "TCP"));
    }

    @Test
    void oneGivenPortForHttpAndManagementFailsToRender() {
        assertThatThrownBy(() -> render("managementPort=8080"))
                .hasMessageContaining("containerPort and managementPort are both 8080");
    }

    @Test
    void theDrainFitsInTheShutdownTimeoutWhichFitsInTheGracePeriod() {
        assertThat(defaults.configData()).containsEntry("WORKER_SHUTDOWN_DRAIN_TIMEOUT", "20s")
                .containsEntry("QUARKUS_SHUTDOWN_TIMEOUT", "30s");
        assertThat(defaults.podSpec()).containsEntry("terminationGracePeriodSeconds", 60);
    }

    @Test
    void aDrainNoShorterThanTheShutdownTimeoutFailsToRender() {
        assertThatThrownBy(() -> render("shutdown.drainTimeoutSeconds=30"))
                .hasMessageContaining("shutdown.timeoutSeconds (30) must be longer than "
                        + "shutdown.drainTimeoutSeconds (30)");
    }

    @Test
    void aGracePeriodNoLongerThanTheShutdownTimeoutFailsToRender() {
        assertThatThrownBy(() -> render("shutdown.timeoutSeconds=60", "shutdown.terminationGracePeriodSeconds=60"))
                .hasMessageContaining("shutdown.terminationGracePeriodSeconds (60) must be longer than "
                        + "shutdown.timeoutSeconds (60)");
    }

    @Test
    void resourcesRequestCpuAndMemoryAndLimitMemory() {
        assertThat(Yamls.at(defaults.container(), "resources")).isEqualTo(Map.of(
                "requests", Map.of("cpu", "250m", "memory", "1Gi"),
                "limits", Map.of("memory", "1Gi")));
    }

    @Test
    void theHeapShareOfTheMemoryLimitHoldsTheDefaultMaximumOfTrackedRuns() {
        assertThat(defaults.configData()).containsEntry("JAVA_MAX_MEM_RATIO", "70");
        // 70 % of the 1Gi limit, against what the default tracking.maxRuns needs (config.StartupChecks).
        assertThat(StartupChecks.heapWarning(150_000, 716)).isEmpty();
        assertThat(StartupChecks.heapWarning(150_000, 384)).isPresent();
    }

    @Test
    void replicasAreLeftOutWhenAnAutoscalerOwnsThem() {
        assertThat(Yamls.map(renderCi("keda-sasl-values.yaml").deployment(), "spec")).doesNotContainKey("replicas");
        assertThat(Yamls.map(renderCi("hpa-values.yaml").deployment(), "spec")).doesNotContainKey("replicas");
    }

    @Test
    void replicasAreSetWithoutAnAutoscaler() {
        assertThat(Yamls.map(renderCi("replicas-values.yaml").deployment(), "spec")).containsEntry("replicas", 3);
    }

    @Test
    void selectorLabelsCarryNameAndInstanceButNoVersion() {
        Map<String, String> selector = Map.of("app.kubernetes.io/name", "aihub-run-worker",
                "app.kubernetes.io/instance", "aihub-run-worker");

        assertThat(Yamls.at(defaults.deployment(), "spec", "selector", "matchLabels")).isEqualTo(selector);
        assertThat(Yamls.at(defaults.single("Service"), "spec", "selector")).isEqualTo(selector);
        assertThat(Yamls.map(defaults.deployment(), "spec", "template", "metadata", "labels"))
                .containsEntry("app.kubernetes.io/version", "0.1.0");
    }

    @Test
    void aConfigChangeChangesThePodTemplateSoPodsRestart() {
        Object before = Yamls.at(defaults.deployment(), "spec", "template", "metadata", "annotations",
                "checksum/config");
        Object after = Yamls.at(renderCi("default-values.yaml", "worker.maxInFlight=512").deployment(), "spec",
                "template", "metadata", "annotations", "checksum/config");

        assertThat(before).isInstanceOf(String.class).isNotEqualTo(after);
        assertThat(Yamls.map(defaults.deployment(), "spec", "template", "metadata", "annotations"))
                .containsKey("checksum/secret");
    }

    @Test
    void configMapCarriesEveryNonSecretSettingAndTheContainerReadsIt() {
        assertThat(defaults.configData()).containsAllEntriesOf(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "my-cluster-kafka-bootstrap.kafka:9092",
                "AIHUB_API_ROOT", "https://aihub.instabase.com/api",
                "WORKER_TOPIC_COMMANDS", "aihub.run.commands",
                "WORKER_TOPIC_EVENTS", "aihub.run.events",
                "WORKER_TOPIC_DEAD_LETTERS", "aihub.run.commands.dlq",
                "WORKER_GROUP_ID", "aihub-run-worker",
                "WORKER_MAX_IN_FLIGHT", "256",
                "WORKER_EVENT_SOURCE", "urn:aihub-run-worker:aihub:aihub-run-worker"));
        assertThat(defaults.configData()).containsEntry("WORKER_TOPIC_LEDGER", "aihub.run.ledger")
                .containsEntry("WORKER_LEDGER_CREATE_TOPIC", "true")
                .doesNotContainKey("WORKER_LEDGER_REPLICATION_FACTOR")
                .doesNotContainKey("AIHUB_API_TOKEN");
        assertThat(Yamls.list(defaults.container(), "envFrom"))
                .containsExactly(Map.of("configMapRef", Map.of("name", "aihub-run-worker")));
    }

    @Test
    void allowedContextsAreJoinedWithCommas() {
        ChartRender.Manifests manifests = render("aihub.ibContext=org-a", "aihub.allowedContexts[0]=org-b",
                "aihub.allowedContexts[1]=org-c");

        assertThat(manifests.configData()).containsEntry("AIHUB_IB_CONTEXT", "org-a")
                .containsEntry("AIHUB_ALLOWED_CONTEXTS", "org-b,org-c");
    }

    @Test
    void fullNameIsTruncatedTo63Characters() {
        String longName = "x".repeat(40);
        ChartRender.Manifests manifests = render("nameOverride=" + longName + "-worker");

        String name = (String) Yamls.at(manifests.deployment(), "metadata", "name");
        assertThat(name).hasSize(63).startsWith("aihub-run-worker-" + longName).doesNotEndWith("-");
    }

    @Test
    void namespaceOverrideMovesEveryObject() {
        List<Object> namespaces = render("namespaceOverride=workers").objects().stream()
                .map(o -> Yamls.at(o, "metadata", "namespace")).distinct().toList();

        assertThat(namespaces).containsExactly("workers");
    }

    @Test
    void resultsFlowControlAndLoggingDefaultsReachTheConfigMap() {
        assertThat(defaults.configData()).containsAllEntriesOf(Map.of(
                "WORKER_TOPIC_RESULTS", "aihub.run.results",
                "WORKER_RESULTS_MAX_RECORD_BYTES", "900000",
                "WORKER_RESULTS_MAX_ATTEMPTS", "5",
                "WORKER_ORDERING", "unordered",
                "WORKER_MAX_IN_BACKOFF", "1024",
                "WORKER_RATE_LIMIT_REQUESTS_PER_SECOND", "50",
                "WORKER_RATE_LIMIT_POLL_MIN_SHARE", "0.2",
                "WORKER_TRACKING_MAX_RUNS", "150000",
                "WORKER_ADMIN_ENABLED", "false",
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true"));
        assertThat(defaults.configData()).doesNotContainKeys("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "QUARKUS_OTEL_SERVICE_NAME");
    }

    @Test
    void changedResultsFlowControlLoggingAndTracingValuesReachTheConfigMap() {
        Map<String, String> data = Yamls.map(renderCi("admin-values.yaml").single("ConfigMap"), "data").entrySet()
                .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> (String) e.getValue()));

        assertThat(data).containsAllEntriesOf(Map.of(
                "WORKER_TOPIC_RESULTS", "documents.run.results",
                "WORKER_RESULTS_MAX_RECORD_BYTES", "500000",
                "WORKER_RESULTS_MAX_ATTEMPTS", "8",
                "WORKER_ORDERING", "key",
                "WORKER_MAX_IN_BACKOFF", "2048",
                "WORKER_RATE_LIMIT_BURST", "4",
                "WORKER_RATE_LIMIT_POLL_MIN_SHARE", "0.3",
                "WORKER_OUTAGE_PROBE_INTERVAL", "10s",
                "WORKER_TRACKING_BULK_THRESHOLD", "20",
                "WORKER_TRACKING_MAX_RUNS", "50000"));
        assertThat(data).containsAllEntriesOf(Map.of(
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://otel-collector.observability:4317",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc",
                "QUARKUS_OTEL_SERVICE_NAME", "aihub-run-worker-ci"));
    }

    @Test
    void theOrganisationsBudgetIsSharedByTheMostReplicasThatCanRun() {
        assertThat(renderCi("admin-values.yaml").configData())
                .as("100 calls/s over autoscaling.maxReplicaCount 6, rounded down to hundredths")
                .containsEntry("WORKER_RATE_LIMIT_REQUESTS_PER_SECOND", "16.66");
        assertThat(render("aihub.apiToken=t", "autoscaling.mode=none", "replicaCount=4",
                "rateLimit.organisationRequestsPerSecond=200").configData())
                .containsEntry("WORKER_RATE_LIMIT_REQUESTS_PER_SECOND", "50");
    }

    @Test
    void anOrganisationBudgetTooSmallForEveryReplicaFailsToRender() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "autoscaling.mode=keda",
                "rateLimit.organisationRequestsPerSecond=3"))
                .hasMessageContaining("rateLimit.organisationRequestsPerSecond (3) shared by 6 replicas leaves 0.5");
    }

    @Test
    void extraConfigCannotDuplicateASettingTheChartRenders() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "worker.extraConfig.WORKER_ORDERING=key"))
                .hasMessageContaining("worker.extraConfig.WORKER_ORDERING is set by the chart");
        assertThat(render("aihub.apiToken=t", "worker.extraConfig.WORKER_TRACKING_POLL_MAX=60s").configData())
                .containsEntry("WORKER_TRACKING_POLL_MAX", "60s").containsEntry("WORKER_ORDERING", "unordered");
    }
}
