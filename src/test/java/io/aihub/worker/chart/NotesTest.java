package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.CHART;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

/** NOTES.txt tells the installer how to check the release and warns about settings that cannot work. */
class NotesTest {

    private static String notes(String... sets) {
        var install = new Helm(CHART).install().withName(ChartRender.RELEASE).withNamespace(ChartRender.NAMESPACE)
                .withKubeVersion(ChartRender.KUBE_VERSION).dryRun().clientOnly();
        for (String set : sets) {
            int eq = set.indexOf('=');
            install = install.set(set.substring(0, eq), set.substring(eq + 1));
        }
        return install.call().getOutput();
    }

    /** Kafka over TLS, so that no warning about the transport is expected unless a test asks for one. */
    private static final String TLS = "kafka.securityProtocol=SSL";

    @Test
    void notesNameTheScalingModeAndTheHelmTest() {
        String notes = notes("aihub.apiToken=t", TLS, "autoscaling.mode=keda");

        assertThat(notes)
                .contains("Scaling: KEDA ScaledObject on the consumer lag of aihub.run.commands, 1..6 replicas")
                .contains("partitions whose offsets stand still (an AI Hub outage pauses intake) add no replicas")
                .contains("helm test aihub-run-worker -n aihub")
                .contains("port-forward svc/aihub-run-worker 9000:management")
                .doesNotContain("WARNING");
    }

    @Test
    void byDefaultNotesNameOneFixedReplica() {
        assertThat(notes("aihub.apiToken=t", TLS)).contains("Scaling: fixed, 1 replica(s); with KEDA installed");
    }

    @Test
    void notesWarnWhenNoApiTokenIsGiven() {
        assertThat(notes(TLS)).contains("WARNING: aihub.apiToken is empty and secret.existingSecret is not set");
    }

    @Test
    void notesWarnWhenTheSimulatorStandsInForAiHub() {
        assertThat(notes("aihub.apiToken=t", TLS, "simulator.enabled=true"))
                .contains("WARNING: the AI Hub simulator is ON: each pod runs it as the container \"simulator\" "
                        + "(registry.example.com/aihub/aihub-simulator:0.1.0)\n"
                        + "         and the worker talks to it on http://127.0.0.1:8099/api instead of "
                        + "https://aihub.instabase.com/api.\n"
                        + "         Staging only: it keeps runs in memory and forgets them when it restarts.")
                .as("the simulator's loopback root is http:// by design").doesNotContain("aihub.apiRoot is");
        assertThat(notes("aihub.apiToken=t", TLS)).doesNotContain("simulator");
    }

    @Test
    void notesWarnWhenKafkaIsPlaintextAsTheDefaultsLeaveIt() {
        assertThat(notes("aihub.apiToken=t"))
                .contains("WARNING: kafka.securityProtocol is PLAINTEXT: commands (which may carry secret keys)");
        assertThat(notes("aihub.apiToken=t", "kafka.securityProtocol=SASL_PLAINTEXT", "kafka.sasl.username=u",
                "kafka.sasl.password=p")).contains("WARNING: kafka.securityProtocol is SASL_PLAINTEXT");
        assertThat(notes("aihub.apiToken=t", "kafka.securityProtocol=SASL_SSL", "kafka.sasl.username=u",
                "kafka.sasl.password=p")).doesNotContain("WARNING");
    }

    @Test
    void notesWarnWhenTheAiHubRootIsPlainHttp() {
        assertThat(notes("aihub.apiToken=t", TLS, "aihub.apiRoot=http://aihub.internal/api"))
                .contains("WARNING: aihub.apiRoot is http://aihub.internal/api: the AI Hub API token");
        assertThat(notes("aihub.apiToken=t", TLS)).doesNotContain("aihub.apiRoot is");
    }

    @Test
    void productionValuesInstallWithoutAnyWarning() {
        var install = new Helm(CHART).install().withName(ChartRender.RELEASE).withNamespace(ChartRender.NAMESPACE)
                .withValuesFile(Path.of("deploy/kubernetes/values-production.yaml"))
                .withKubeVersion(ChartRender.KUBE_VERSION).dryRun().clientOnly();

        assertThat(install.call().getOutput()).contains("Scaling: KEDA ScaledObject").doesNotContain("WARNING");
    }

    @Test
    void notesNameTheResultsTopicTheRateShareAndTheAdminEndpoints() {
        String notes = notes("aihub.apiToken=t", TLS, "autoscaling.mode=keda",
                "rateLimit.organisationRequestsPerSecond=60", "admin.enabled=true", "admin.token=a");

        assertThat(notes).contains("to aihub.run.results (create that topic first)")
                .contains("AI Hub calls per second per replica: 10 (the organisation's 60 shared by up to 6 replicas).")
                .contains("Admin endpoints (/admin/*) are on; their token is in Secret aihub-run-worker, key "
                        + "WORKER_ADMIN_TOKEN")
                .doesNotContain("WARNING");
    }
}
