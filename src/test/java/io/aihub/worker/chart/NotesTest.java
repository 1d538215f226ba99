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
}
