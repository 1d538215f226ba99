package io.aihub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The standalone simulator reads the embedded one's {@code aihub.simulator.*} settings and defaults. */
class SimulatorMainTest {

    @AfterEach
    void clear() {
        System.clearProperty("aihub.simulator.submit-latency");
        System.clearProperty("aihub.simulator.phase-duration");
        System.clearProperty("aihub.simulator.admin-token");
        System.clearProperty("aihub.simulator.max-recorded-requests");
        System.clearProperty("aihub.simulator.default-context");
        System.clearProperty("aihub.simulator.strict");
    }

    @Test
    void settings_come_from_system_properties_with_the_embedded_simulators_defaults() {
        System.setProperty("aihub.simulator.submit-latency", "50ms");
        System.setProperty("aihub.simulator.phase-duration", "10m");
        System.setProperty("aihub.simulator.admin-token", "bench-admin");
        System.setProperty("aihub.simulator.max-recorded-requests", "0");
        System.setProperty("aihub.simulator.default-context", "acme");
        System.setProperty("aihub.simulator.strict", "true");

        SimulatorSettings settings = SimulatorMain.load().toSettings();

        assertEquals(Duration.ofMillis(50), settings.submitLatency());
        assertEquals(Duration.ofMinutes(10), settings.phaseDuration());
        assertEquals(Optional.of("bench-admin"), settings.adminToken());
        assertEquals(0, settings.maxRecordedRequests());
        assertEquals("acme", settings.defaultContext());
        assertTrue(settings.strict());
        assertEquals("sim-token", settings.token());
    }

    @Test
    void without_settings_the_defaults_apply() {
        SimulatorConfig config = SimulatorMain.load();

        assertEquals(8099, config.port());
        assertEquals(Duration.ZERO, config.submitLatency());
        assertEquals(Duration.ofSeconds(3), config.phaseDuration());
        assertEquals(Optional.empty(), config.adminToken());
        assertEquals("sim-org", config.defaultContext());
        assertFalse(config.strict(), "accepts what the API accepts unless told otherwise");
    }
}
