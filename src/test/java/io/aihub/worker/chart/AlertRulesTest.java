package io.aihub.worker.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's alerts behave as their unit tests in {@code src/test/resources/promtool} say: the rule groups of the
 * rendered PrometheusRule go into a rules file and {@code promtool test rules} runs every test file against it. Each
 * alert has a case where it fires and one where it stays quiet, and links to its section of docs/runbook.md.
 * Without promtool (Debian's {@code prometheus} package) the tests are skipped, except under {@code CI=true}.
 */
class AlertRulesTest {

    private static final Path TESTS = Path.of("src/test/resources/promtool");
    private static final Path WORK = Path.of("target/promtool");
    private static final Path RUNBOOK = Path.of("docs/runbook.md");
    private static final String RUNBOOK_URL = "https://git.example.com/aihub/aihub-run-worker/blob/main/docs/runbook.md";

    private static final List<Object> RULES = rules(ChartRender.render("aihub.apiToken=t",
            "prometheusRule.enabled=true"));

    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        Optional<Path> found = Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst();
        if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
            fail("promtool is not on the PATH, and CI=true requires the alert tests: apt-get install -y prometheus");
        }
        Assumptions.assumeTrue(found.isPresent(),
                "promtool is not on the PATH: alert tests skipped (apt-get install -y prometheus brings it)");
        promtool = found.get();
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsPromtoolTestsSay() throws Exception {
        Result result = promtoolTest(RULES);

        assertThat(result.exitCode()).as("promtool test rules said:%n%s", result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasACaseWhereItFiresAndOneWhereItStaysQuiet() throws IOException {
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (Path file : testFiles()) {
            for (Object group : Yamls.list(new Yaml().load(Files.readString(file)), "tests")) {
                List<Object> cases = Yamls.list(group, "alert_rule_test");
                for (Object testCase : cases == null ? List.of() : cases) {
                    List<Object> expected = Yamls.list(testCase, "exp_alerts");
                    (expected == null || expected.isEmpty() ? quiet : firing)
                            .add((String) Yamls.at(testCase, "alertname"));
                }
            }
        }

        assertThat(firing).as("alerts with a firing case").containsExactlyInAnyOrderElementsOf(alertNames());
        assertThat(quiet).as("alerts with a quiet case").containsExactlyInAnyOrderElementsOf(alertNames());
    }

    @Test
    void theTestsFailAgainstRulesThatLabelTheirAlertsDifferently() throws Exception {
        // Every firing expectation names the alert's labels, so other labels must fail each alert's tests.
        Result result = promtoolTest(rules(ChartRender.render("aihub.apiToken=t", "prometheusRule.enabled=true",
                "prometheusRule.alertLabels.team=someone-else")));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains(alertNames().stream().map(a -> "alertname: " + a + ",").toList());
    }

    @Test
    void everyAlertLinksToItsSectionOfTheRunbookWhichSaysWhatItMeansHowToCheckAndWhatToDo() throws IOException {
        String runbook = Files.readString(RUNBOOK);

        for (Object rule : RULES) {
            String alert = (String) Yamls.at(rule, "alert");
            assertThat(Yamls.at(rule, "annotations", "runbook_url"))
                    .isEqualTo(RUNBOOK_URL + "#" + alert.toLowerCase());
            int start = runbook.indexOf("\n## " + alert + "\n");
            assertThat(start).as("docs/runbook.md has a section ## %s", alert).isNotNegative();
            int end = runbook.indexOf("\n## ", start + 1);
            String section = runbook.substring(start, end < 0 ? runbook.length() : end);
            assertThat(section).contains("\n### What it means\n", "\n### How to check\n", "\n### What to do\n");
        }
    }

    private static List<String> alertNames() {
        return RULES.stream().map(r -> (String) Yamls.at(r, "alert")).toList();
    }

    private static List<Object> rules(ChartRender.Manifests manifests) {
        return Yamls.list(manifests.single("PrometheusRule"), "spec", "groups", 0, "rules");
    }

    private static List<Path> testFiles() throws IOException {
        try (Stream<Path> files = Files.list(TESTS)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** Writes the rules beside copies of the test files (which name {@code rules.yaml}) and runs promtool on them. */
    private static Result promtoolTest(List<Object> rules) throws Exception {
        Path dir = Files.createDirectories(WORK).resolve("run-" + System.nanoTime());
        Files.createDirectories(dir);
        DumperOptions block = new DumperOptions();
        block.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(dir.resolve("rules.yaml"), new Yaml(block)
                .dump(Map.of("groups", List.of(Map.of("name", "aihub-run-worker.rules", "rules", rules)))));
        List<String> command = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
        for (Path file : testFiles()) {
            Path copy = dir.resolve(file.getFileName());
            Files.copy(file, copy);
            command.add(copy.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("promtool did not finish within 2 minutes:%n%s", output);
        }
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
