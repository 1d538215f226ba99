package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.render;
import static io.aihub.worker.chart.ChartRender.renderCi;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The NetworkPolicy lets the worker reach only DNS, Kafka and AI Hub (over IPv4 and IPv6), monitoring reach only the
 * management port (health, metrics) and admin peers reach only the http port (/admin).
 */
class NetworkPolicyTest {

    private static final Map<String, Object> HTTP = Map.of("port", "http", "protocol", "TCP");
    private static final Map<String, Object> MANAGEMENT = Map.of("port", "management", "protocol", "TCP");

    private final Map<String, Object> spec = Yamls.map(
            renderCi("networkpolicy-values.yaml").single("NetworkPolicy"), "spec");

    @Test
    void isOffByDefault() {
        assertThat(renderCi("default-values.yaml").ofKind("NetworkPolicy")).isEmpty();
    }

    @Test
    void selectsTheWorkerPodsForBothDirections() {
        assertThat(Yamls.at(spec, "podSelector", "matchLabels")).isEqualTo(Map.of(
                "app.kubernetes.io/name", "aihub-run-worker", "app.kubernetes.io/instance", "aihub-run-worker"));
        assertThat(Yamls.list(spec, "policyTypes")).containsExactly("Ingress", "Egress");
    }

    @Test
    void egressGoesOnlyToDnsKafkaAndAiHub() {
        List<Object> egress = Yamls.list(spec, "egress");

        assertThat(egress).hasSize(3);
        assertThat(Yamls.at(egress, 0, "to", 0, "podSelector", "matchLabels")).isEqualTo(Map.of("k8s-app", "kube-dns"));
        assertThat(Yamls.list(egress, 0, "ports")).containsExactly(Map.of("port", 53, "protocol", "UDP"),
                Map.of("port", 53, "protocol", "TCP"));
        assertThat(Yamls.at(egress, 1, "to", 0, "namespaceSelector", "matchLabels"))
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "kafka"));
        assertThat(Yamls.list(egress, 1, "ports")).containsExactly(Map.of("port", 9092, "protocol", "TCP"),
                Map.of("port", 9093, "protocol", "TCP"));
        assertThat(Yamls.list(egress, 2, "to")).containsExactly(Map.of("ipBlock", Map.of("cidr", "203.0.113.0/24")));
        assertThat(Yamls.list(egress, 2, "ports")).containsExactly(Map.of("port", 443, "protocol", "TCP"));
    }

    @Test
    void byDefaultAiHubIsReachedOnPublicIpv4AndIpv6AddressesOnly() {
        List<Object> defaults = Yamls.list(render("aihub.apiToken=t", "networkPolicy.enabled=true")
                .single("NetworkPolicy"), "spec", "egress", 2, "to");

        assertThat(defaults).containsExactly(
                Map.of("ipBlock", Map.of("cidr", "0.0.0.0/0",
                        "except", List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))),
                Map.of("ipBlock", Map.of("cidr", "::/0", "except", List.of("fc00::/7", "fe80::/10"))));
    }

    @Test
    void ingressComesOnlyFromMonitoringAndTheHelmTestToTheManagementPortWhileAdminIsOff() {
        List<Object> ingress = Yamls.list(spec, "ingress");

        assertThat(ingress).as("admin.allowedFrom opens nothing while admin.enabled is false").hasSize(2)
                .allSatisfy(rule -> assertThat(Yamls.list(rule, "ports")).containsExactly(MANAGEMENT));
        assertThat(Yamls.at(ingress, 0, "from", 0, "namespaceSelector", "matchLabels"))
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
        assertThat(Yamls.at(ingress, 1, "from")).isEqualTo(List.of(Map.of("podSelector", Map.of("matchLabels", Map.of(
                "app.kubernetes.io/instance", "aihub-run-worker", "app.kubernetes.io/component", "helm-test")))));
    }

    @Test
    void enabledAdminEndpointsAreReachableOnlyFromTheAllowedPeersAndOnlyOnTheHttpPort() {
        List<Object> ingress = Yamls.list(
                renderCi("admin-values.yaml").single("NetworkPolicy"), "spec", "ingress");

        assertThat(ingress).hasSize(3);
        assertThat(Yamls.at(ingress, 0, "from", 0, "podSelector", "matchLabels"))
                .isEqualTo(Map.of("app.kubernetes.io/name", "prometheus"));
        assertThat(Yamls.list(ingress, 0, "ports")).as("monitoring never reaches /admin").containsExactly(MANAGEMENT);
        assertThat(Yamls.list(ingress, 1, "ports")).containsExactly(MANAGEMENT);
        assertThat(Yamls.list(ingress, 2, "ports")).as("admin peers reach /admin only").containsExactly(HTTP);
        assertThat(Yamls.at(ingress, 2, "from")).isEqualTo(List.of(Map.of(
                "namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ops")),
                "podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "aihub-ops-console")))));
    }

    @Test
    void enabledAdminEndpointsWithoutAllowedPeersOpenNoRuleForThem() {
        List<Object> ingress = Yamls.list(renderCi("admin-values.yaml", "admin.allowedFrom=null")
                .single("NetworkPolicy"), "spec", "ingress");

        assertThat(ingress).hasSize(2);
    }

    @Test
    void anEmptyPeerListOpensNothing() {
        Map<String, Object> closed = Yamls.map(renderCi("networkpolicy-values.yaml",
                "networkPolicy.ingress.monitoring=null", "tests.enabled=false", "admin.allowedFrom=null",
                "networkPolicy.egress.aihub.to=null").single("NetworkPolicy"), "spec");

        assertThat(closed.get("ingress")).as("no ingress rule, so nothing may connect").isNull();
        assertThat(Yamls.list(closed, "egress")).hasSize(2);
    }
}
