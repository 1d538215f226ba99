package io.aihub.simulator;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RealTimeScheduleTest {
    private static SimulatorFixture sim;

    @BeforeAll
    static void start() {
        sim = SimulatorFixture.start(b -> b.phaseDuration(Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
    }

    @Test
    void runCompletesOnItsOwnAfterOnePhaseOfWallClockTime() throws Exception {
        String id = sim.runApp("invoices").get("id").asText();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> sim.get("/api/v2/apps/runs/" + id).json().get("status").asText().equals("COMPLETE"));
    }
}
