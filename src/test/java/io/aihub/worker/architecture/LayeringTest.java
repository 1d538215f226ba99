package io.aihub.worker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The house plan of docs/architecture.md, checked on the compiled worker: each floor uses only the floors below it,
 * the stages of one floor do not use each other, no package cycle, and the simulator stays out of the worker.
 */
class LayeringTest {

    private static final String BASE = "io.aihub.worker";

    /** Top to bottom; the packages of one floor are siblings and must not import each other. */
    private static final List<List<String>> FLOORS = List.of(
            List.of("messaging", "admin", "health"),
            List.of("intake", "replay"),
            List.of("submit", "track"),
            List.of("ledger"),
            List.of("event", "metrics"),
            List.of("aihub", "flow", "command"),
            List.of("config", "observability"));

    /** Main classes longer than this many lines need a reason here. */
    private static final int MAX_LINES = 250;

    /** Classes allowed to be longer, and why. */
    private static final Map<String, String> LONG_CLASSES = Map.of(
            "config/WorkerConfig.java", "a @ConfigMapping: one documented method per setting",
            "aihub/RateLimiter.java", "one token bucket with AIMD and a priority lane; its parts share one lock",
            "aihub/AiHubClient.java", "one method per AI Hub operation, each through the same token, gate and timeout",
            "ledger/LedgerRecord.java", "the ledger's wire format: 30 named fields and the builder that sets them",
            "replay/DeadLetterReplayer.java", "a blocking batch tool: select, replay and report in one loop",
            "track/RunTracker.java", "the per-run scheduler: start, resume, poll and bulk merges share one timer");

    private static JavaClasses worker;

    @BeforeAll
    static void importWorker() {
        worker = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
    }

    @Test
    void no_floor_imports_a_floor_above_it_or_a_sibling_stage() {
        for (int floor = 0; floor < FLOORS.size(); floor++) {
            for (String pkg : FLOORS.get(floor)) {
                List<String> forbidden = new ArrayList<>();
                for (int above = 0; above <= floor; above++) {
                    FLOORS.get(above).stream().filter(p -> !p.equals(pkg)).forEach(p -> forbidden.add(BASE + "." + p + ".."));
                }
                if (forbidden.isEmpty()) {
                    continue;
                }
                noClasses().that().resideInAPackage(BASE + "." + pkg + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                        .because("floor " + floor + " (" + pkg + ") may use only the floors below it")
                        .check(worker);
            }
        }
    }

    @Test
    void the_packages_form_no_cycle() {
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(worker);
    }

    @Test
    void every_package_is_on_a_floor() {
        List<String> placed = FLOORS.stream().flatMap(List::stream).toList();
        List<String> packages = worker.stream().map(c -> c.getPackageName())
                .filter(p -> p.startsWith(BASE + "."))
                .map(p -> p.substring(BASE.length() + 1).split("\\.")[0]).distinct().toList();

        assertThat(placed).containsAll(packages);
    }

    @Test
    void the_worker_never_uses_the_simulator_or_test_support() {
        noClasses().that().resideInAPackage(BASE + "..")
                .should().dependOnClassesThat().resideInAnyPackage("io.aihub.simulator..", "io.aihub.testkit..")
                .check(worker);
    }

    @Test
    void no_main_class_is_longer_than_the_norm_without_a_stated_reason() throws IOException {
        Path main = Path.of("src/main/java/io/aihub/worker");
        List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = main.relativize(file).toString();
                long lines = Files.readAllLines(file).size();
                if (lines > MAX_LINES && !LONG_CLASSES.containsKey(name)) {
                    tooLong.add(name + " (" + lines + " lines)");
                }
            }
        }
        assertThat(tooLong).isEmpty();
    }
}
