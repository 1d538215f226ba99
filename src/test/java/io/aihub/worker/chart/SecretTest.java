package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Secrets reach the pod only through a Secret: the chart's, or an existing one (then the chart renders none). */
class SecretTest {

    private static Map<String, Object> secretRef(String secret, String key) {
        return Map.of("secretKeyRef", Map.of("name", secret, "key", key));
    }

    @Test
    void theChartsSecretHoldsTheApiTokenAndThePodReadsItFromThere() {
        ChartRender.Manifests manifests = renderCi("default-values.yaml");

        assertThat(manifests.secretValue("AIHUB_API_TOKEN")).isEqualTo("ci-token");
        assertThat(Yamls.map(manifests.single("Secret"), "data")).containsOnlyKeys("AIHUB_API_TOKEN");
        assertThat(Yamls.env(manifests.container(), "AIHUB_API_TOKEN")).isEqualTo(Map.of("name", "AIHUB_API_TOKEN",
                "valueFrom", secretRef("aihub-run-worker", "AIHUB_API_TOKEN")));
    }

    @Test
    void anExistingSecretReplacesTheChartsSecret() {
        ChartRender.Manifests manifests = renderCi("existing-secret-values.yaml");

        assertThat(manifests.ofKind("Secret")).isEmpty();
        assertThat(Yamls.env(manifests.container(), "AIHUB_API_TOKEN")).isEqualTo(Map.of("name", "AIHUB_API_TOKEN",
                "valueFrom", secretRef("aihub-run-worker-credentials", "api-token")));
        assertThat(Yamls.env(manifests.container(), "KAFKA_SASL_JAAS_CONFIG"))
                .isEqualTo(Map.of("name", "KAFKA_SASL_JAAS_CONFIG",
                        "valueFrom", secretRef("aihub-run-worker-credentials", "KAFKA_SASL_JAAS_CONFIG")));
        assertThat(Yamls.env(manifests.container(), "KAFKA_SSL_TRUSTSTORE_PASSWORD"))
                .isEqualTo(Map.of("name", "KAFKA_SSL_TRUSTSTORE_PASSWORD",
                        "valueFrom", secretRef("aihub-run-worker-credentials", "KAFKA_SSL_TRUSTSTORE_PASSWORD")));
        assertThat(Yamls.map(manifests.deployment(), "spec", "template", "metadata", "annotations"))
                .doesNotContainKey("checksum/secret");
    }

    @Test
    void scramCredentialsBecomeAJaasConfigInTheSecret() {
        ChartRender.Manifests manifests = renderCi("keda-sasl-values.yaml");

        assertThat(manifests.secretValue("KAFKA_SASL_JAAS_CONFIG")).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"aihub-run-worker\" password=\"ci-password\";");
        assertThat(manifests.configData()).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512").doesNotContainKey("KAFKA_SASL_JAAS_CONFIG");
        assertThat(Yamls.env(manifests.container(), "KAFKA_SASL_JAAS_CONFIG")).isEqualTo(Map.of("name",
                "KAFKA_SASL_JAAS_CONFIG", "valueFrom", secretRef("aihub-run-worker", "KAFKA_SASL_JAAS_CONFIG")));
    }

    @Test
    void plainCredentialsUseThePlainLoginModuleWithQuotesEscaped() {
        ChartRender.Manifests manifests = render("aihub.apiToken=t", "autoscaling.mode=keda",
                "kafka.securityProtocol=SASL_SSL",
                "kafka.sasl.mechanism=PLAIN", "kafka.sasl.username=svc", "kafka.sasl.password=pa\"ss");

        assertThat(manifests.secretValue("KAFKA_SASL_JAAS_CONFIG")).isEqualTo(
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"svc\" password=\"pa\\\"ss\";");
        assertThat(Yamls.at(manifests.single("ScaledObject"), "spec", "triggers", 0, "metadata", "sasl"))
                .isEqualTo("plaintext");
    }

    @Test
    void saslWithoutCredentialsFailsToRender() {
        assertThatThrownBy(() -> render("kafka.securityProtocol=SASL_SSL"))
                .hasMessageContaining(
                        "kafka.securityProtocol SASL_SSL needs kafka.sasl.username and kafka.sasl.password");
    }

    @Test
    void theKafkaCaIsMountedReadOnlyAndNamedAsTheTruststore() {
        ChartRender.Manifests manifests = renderCi("keda-sasl-values.yaml");

        assertThat(manifests.configData())
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/aihub-run-worker/kafka-truststore/ca.crt")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        assertThat(Yamls.list(manifests.container(), "volumeMounts")).contains(Map.of("name", "kafka-truststore",
                "mountPath", "/etc/aihub-run-worker/kafka-truststore", "readOnly", true));
        assertThat(Yamls.list(manifests.podSpec(), "volumes")).contains(Map.of("name", "kafka-truststore",
                "secret", Map.of("secretName", "prod-cluster-ca-cert",
                        "items", List.of(Map.of("key", "ca.crt", "path", "ca.crt")))));
        assertThat(Yamls.env(manifests.container(), "KAFKA_SSL_TRUSTSTORE_PASSWORD"))
                .as("a PEM truststore has no password").isNull();
    }

    @Test
    void theAdminTokenComesFromTheChartsSecretUnderItsOwnKeyAndNeverFromTheConfigMap() {
        ChartRender.Manifests manifests = renderCi("admin-values.yaml");

        assertThat(manifests.secretValue("WORKER_ADMIN_TOKEN")).isEqualTo("ci-admin-token");
        assertThat(manifests.secretValue("AIHUB_API_TOKEN")).isEqualTo("ci-token");
        assertThat(Yamls.env(manifests.container(), "WORKER_ADMIN_TOKEN")).isEqualTo(Map.of("name",
                "WORKER_ADMIN_TOKEN", "valueFrom", secretRef("aihub-run-worker", "WORKER_ADMIN_TOKEN")));
        assertThat(manifests.configData()).containsEntry("WORKER_ADMIN_ENABLED", "true")
                .doesNotContainKey("WORKER_ADMIN_TOKEN")
                .allSatisfy((key, value) -> assertThat(String.valueOf(value)).doesNotContain("ci-admin-token"));
    }

    @Test
    void theAdminTokenComesFromAnExistingSecretUnderTheConfiguredKey() {
        ChartRender.Manifests manifests = renderCi("admin-existing-secret-values.yaml");

        assertThat(manifests.ofKind("Secret")).isEmpty();
        assertThat(Yamls.env(manifests.container(), "WORKER_ADMIN_TOKEN")).isEqualTo(Map.of("name",
                "WORKER_ADMIN_TOKEN", "valueFrom", secretRef("aihub-run-worker-credentials", "admin-token")));
        assertThat(manifests.configData()).containsEntry("WORKER_ADMIN_ENABLED", "true")
                .doesNotContainKey("WORKER_ADMIN_TOKEN");
    }

    @Test
    void adminEndpointsWithoutATokenSourceFailToRender() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "admin.enabled=true"))
                .hasMessageContaining("admin.enabled needs a token: set admin.token");
    }

    @Test
    void disabledAdminEndpointsGetNeitherTokenNorEnvEvenWithATokenSet() {
        ChartRender.Manifests manifests = render("aihub.apiToken=t", "admin.token=unused");

        assertThat(manifests.configData()).containsEntry("WORKER_ADMIN_ENABLED", "false");
        assertThat(Yamls.map(manifests.single("Secret"), "data")).containsOnlyKeys("AIHUB_API_TOKEN");
        assertThat(Yamls.env(manifests.container(), "WORKER_ADMIN_TOKEN")).isNull();
    }

    @Test
    void theAdminTokenCannotBeSmuggledIntoTheConfigMapThroughExtraConfig() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "worker.extraConfig.WORKER_ADMIN_TOKEN=leak"))
                .hasMessageContaining("worker.extraConfig.WORKER_ADMIN_TOKEN is a secret");
    }
}
