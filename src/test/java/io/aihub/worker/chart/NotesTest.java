package io.aihub.worker.chart;

import static io.aihub.worker.chart.ChartRender.CHART;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;

/** NOTES.txt tells the installer how to check the release and warns about settings that cannot work. */
class NotesTest {

    private static String notes(String... sets) {
        var install = new Helm(CHART).install().withName(ChartRender.RELEASE).withNamespace(ChartRender.NAMESPACE)
                .dryRun().clientOnly();
        for (String set : sets) {
            int eq = set.indexOf('=');
            install = install.set(set.substring(0, eq), set.substring(eq + 1));
        }
        return install.call().getOutput();
    }

    @Test
    void notesNameTheScalingModeAndTheHelmTest() {
        String notes = notes("aihub.apiToken=t");

        assertThat(notes)
                .contains("Scaling: KEDA ScaledObject on the consumer lag of aihub.run.commands, 1..6 replicas")
                .contains("helm test aihub-run-worker -n aihub")
                .doesNotContain("WARNING");
    }

    @Test
    void notesWarnWhenNoApiTokenIsGiven() {
        assertThat(notes()).contains("WARNING: aihub.apiToken is empty and secret.existingSecret is not set");
    }

    @Test
    void notesWarnWhenTheSimulatorStandsInForAiHub() {
        assertThat(notes("aihub.apiToken=t", "simulator.enabled=true"))
                .contains("WARNING: the AI Hub simulator is ON");
    }

    @Test
    void notesNameTheResultsTopicTheRateShareAndTheAdminEndpoints() {
        String notes = notes("aihub.apiToken=t", "rateLimit.organisationRequestsPerSecond=60", "admin.enabled=true",
                "admin.token=a");

        assertThat(notes).contains("to aihub.run.results (create that topic first)")
                .contains("AI Hub calls per second per replica: 10 (the organisation's 60 shared by up to 6 replicas).")
                .contains("Admin endpoints (/admin/*) are on; their token is in Secret aihub-run-worker, key "
                        + "WORKER_ADMIN_TOKEN")
                .doesNotContain("WARNING");
    }
}
