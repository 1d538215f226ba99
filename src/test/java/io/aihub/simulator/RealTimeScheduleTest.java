package io.aihub.simulator;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RealTimeScheduleTest {
    @RegisterExtension
    static final SimulatorFixture sim = SimulatorFixture.perClass(b -> b.phaseDuration(Duration.ofMillis(200)));

    @Test
    void run_completes_on_its_own_after_one_phase_of_wall_clock_time() throws Exception {
        String id = sim.runApp("invoices").get("id").asText();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> sim.get("/api/v2/apps/runs/" + id).json().get("status").asText().equals("COMPLETE"));
    }
}
