package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Kafka security by values only (SASL_SSL with SCRAM is in {@link SecretTest}; mutual TLS here), and the Strimzi
 * KafkaUsers of deploy/kubernetes/kafka-users.yaml: each names exactly the topics and group the chart configures,
 * with the operations its role needs and nothing more.
 */
class KafkaSecurityTest {

    private static final Path DEPLOY = Path.of("deploy/kubernetes");

    private static Map<String, Map<String, Object>> users() throws IOException {
        return ChartRender.Manifests.parse(Files.readString(DEPLOY.resolve("kafka-users.yaml"))).objects().stream()
                .collect(Collectors.toMap(u -> (String) Yamls.at(u, "metadata", "name"), u -> u));
    }

    /** "type:name" of each ACL resource, with its operations. */
    private static Map<String, Set<String>> acls(Map<String, Object> user) {
        Map<String, Set<String>> byResource = new TreeMap<>();
        for (Object acl : Yamls.list(user, "spec", "authorization", "acls")) {
            assertThat(Yamls.at(acl, "resource", "patternType")).as("no prefix or wildcard grants")
                    .isEqualTo("literal");
            String resource = Yamls.at(acl, "resource", "type") + ":" + Yamls.at(acl, "resource", "name");
            List<Object> operations = Yamls.list(acl, "operations");
            byResource.computeIfAbsent(resource, r -> new TreeSet<>())
                    .addAll(operations.stream().map(String::valueOf).toList());
        }
        return byResource;
    }

    @Test
    void theWorkersUserMayUseExactlyTheTopicsAndGroupTheChartConfigures() throws IOException {
        for (Map<String, Object> config : List.of(render("aihub.apiToken=t").configData(),
                ChartRender.render(ChartRender.CHART, DEPLOY.resolve("values-production.yaml")).configData())) {
            assertThat(acls(users().get("aihub-run-worker"))).isEqualTo(Map.of(
                    "topic:" + config.get("WORKER_TOPIC_COMMANDS"), Set.of("Describe", "Read"),
                    "group:" + config.get("WORKER_GROUP_ID"), Set.of("Read"),
                    "topic:" + config.get("WORKER_TOPIC_LEDGER"), Set.of("Describe", "DescribeConfigs", "Read", "Write"),
                    "topic:" + config.get("WORKER_TOPIC_EVENTS"), Set.of("Describe", "Write"),
                    "topic:" + config.get("WORKER_TOPIC_DEAD_LETTERS"), Set.of("Describe", "Write"),
                    "topic:" + config.get("WORKER_TOPIC_RESULTS"), Set.of("Describe", "Write")));
        }
        assertThat(ChartRender.render(ChartRender.CHART, DEPLOY.resolve("values-production.yaml")).configData())
                .as("without Create, the worker must not try to create the ledger")
                .containsEntry("WORKER_LEDGER_CREATE_TOPIC", "false");
    }

    @Test
    void theProducerMayOnlyWriteCommandsTheListenerOnlyReadEventsAndReplayOnlyMoveDeadLettersBack()
            throws IOException {
        Map<String, Map<String, Object>> users = users();

        assertThat(acls(users.get("aihub-commands-producer")))
                .isEqualTo(Map.of("topic:aihub.run.commands", Set.of("Describe", "Write")));
        assertThat(acls(users.get("aihub-events-listener"))).isEqualTo(Map.of(
                "topic:aihub.run.events", Set.of("Describe", "Read"),
                "group:aihub-events-listener", Set.of("Read")));
        assertThat(acls(users.get("aihub-run-worker-replay"))).isEqualTo(Map.of(
                "topic:aihub.run.commands.dlq", Set.of("Describe", "Read"),
                "topic:aihub.run.ledger", Set.of("Describe", "DescribeConfigs", "Read"),
                "topic:aihub.run.commands", Set.of("Describe", "Write")));
    }

    @Test
    void everyUserAuthenticatesAndBelongsToTheClusterOfTheTopics() throws IOException {
        Object cluster = Yamls.at(ChartRender.Manifests.parse(Files.readString(DEPLOY.resolve("topics.yaml")))
                .objects().get(0), "metadata", "labels", "strimzi.io/cluster");

        assertThat(users().values()).hasSize(4).allSatisfy(user -> {
            assertThat(user).containsEntry("apiVersion", "kafka.strimzi.io/v1beta2").containsEntry("kind", "KafkaUser");
            assertThat(Yamls.at(user, "metadata", "labels", "strimzi.io/cluster")).isEqualTo(cluster);
            assertThat(Yamls.at(user, "spec", "authentication", "type")).isIn("scram-sha-512", "tls");
            assertThat(Yamls.at(user, "spec", "authorization", "type")).isEqualTo("simple");
        });
    }

    @Test
    void mutualTlsMountsTheClientKeystoreAndReadsItsPasswordFromTheSameSecret() {
        ChartRender.Manifests manifests = renderCi("mtls-values.yaml");

        assertThat(manifests.configData()).containsEntry("KAFKA_SECURITY_PROTOCOL", "SSL")
                .containsEntry("KAFKA_SSL_KEYSTORE_LOCATION", "/etc/aihub-run-worker/kafka-keystore/user.p12")
                .containsEntry("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/aihub-run-worker/kafka-truststore/ca.crt")
                .doesNotContainKeys("KAFKA_SSL_KEYSTORE_PASSWORD", "KAFKA_SASL_MECHANISM");
        assertThat(Yamls.env(manifests.container(), "KAFKA_SSL_KEYSTORE_PASSWORD")).isEqualTo(Map.of(
                "name", "KAFKA_SSL_KEYSTORE_PASSWORD", "valueFrom", Map.of("secretKeyRef",
                        Map.of("name", "aihub-run-worker-kafka-user", "key", "user.password"))));
        assertThat(Yamls.list(manifests.container(), "volumeMounts")).contains(Map.of("name", "kafka-keystore",
                "mountPath", "/etc/aihub-run-worker/kafka-keystore", "readOnly", true));
        assertThat(Yamls.list(manifests.podSpec(), "volumes")).contains(Map.of("name", "kafka-keystore",
                "secret", Map.of("secretName", "aihub-run-worker-kafka-user",
                        "items", List.of(Map.of("key", "user.p12", "path", "user.p12")))));
    }

    @Test
    void kedaPresentsTheSameClientCertificateAsPem() {
        ChartRender.Manifests manifests = renderCi("mtls-values.yaml");

        assertThat(Yamls.at(manifests.single("ScaledObject"), "spec", "triggers", 0, "metadata", "tls"))
                .isEqualTo("enable");
        assertThat(Yamls.list(manifests.single("TriggerAuthentication"), "spec", "secretTargetRef")).containsExactly(
                Map.of("parameter", "ca", "name", "prod-cluster-ca-cert", "key", "ca.crt"),
                Map.of("parameter", "cert", "name", "aihub-run-worker-kafka-user", "key", "user.crt"),
                Map.of("parameter", "key", "name", "aihub-run-worker-kafka-user", "key", "user.key"));
    }

    @Test
    void aClientCertificateWithoutTlsFailsToRender() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "kafka.tls.keystore.secretName=user"))
                .hasMessageContaining("kafka.tls.keystore.secretName needs kafka.securityProtocol SSL or SASL_SSL");
    }

    @Test
    void theKeystorePasswordCannotBeSmuggledIntoTheConfigMap() {
        assertThatThrownBy(() -> render("aihub.apiToken=t", "worker.extraConfig.KAFKA_SSL_KEYSTORE_PASSWORD=leak"))
                .hasMessageContaining("worker.extraConfig.KAFKA_SSL_KEYSTORE_PASSWORD is a secret");
    }
}
