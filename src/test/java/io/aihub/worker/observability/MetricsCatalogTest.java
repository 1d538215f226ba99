package io.aihub.worker.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The worker's metrics are documented and charted: the README's metrics table (the list of record), the panel list of
 * docs/observability.md, the Grafana dashboard and the meters registered in {@code src/main/java} name the same
 * {@code aihub_*} metrics. A meter added without documentation, or a documented metric nobody charts, fails here.
 */
class MetricsCatalogTest {

    /** Prometheus suffix Micrometer gives each meter type (base unit seconds for timers, _total for counters). */
    private static final Map<String, String> SUFFIX = Map.of("Counter", "_total", "TaggedCounter", "_total",
            "Timer", "_seconds", "Gauge", "", "DistributionSummary", "");
    private static final Pattern METER = Pattern.compile("(Counter|Timer|Gauge|DistributionSummary)\\.builder\\("
            + "\"(aihub\\.[a-z.]+)\"|new (TaggedCounter)\\([^,]+, \"(aihub\\.[a-z.]+)\"");
    private static final Pattern TABLE_ROW = Pattern.compile("(?m)^\\| `(aihub_[a-z_]+)` \\|");

    @Test
    void everyMeterTheCodeRegistersIsInTheReadmesMetricsTableAndNothingElseIs() throws IOException {
        assertThat(registeredMeters()).isNotEmpty().containsExactlyInAnyOrderElementsOf(readmeTable());
    }

    @Test
    void everyDocumentedMetricIsChartedOnTheDashboard() throws IOException {
        String expressions = String.join("\n", dashboardExpressions());

        for (String metric : readmeTable()) {
            // A histogram or timer is charted through one of its series (_bucket, _sum, _count, _max).
            assertThat(Pattern.compile("\\b" + metric + "(_bucket|_sum|_count|_max)?\\{").matcher(expressions).find())
                    .as("the dashboard charts %s", metric).isTrue();
        }
    }

    @Test
    void everyDocumentedMetricIsInTheObservabilityDocsPanelList() throws IOException {
        Set<String> listed = rows(Files.readString(Path.of("docs/observability.md")));

        assertThat(listed).containsExactlyInAnyOrderElementsOf(readmeTable());
    }

    @Test
    void noDistributionPublishesClientSideQuantiles() throws IOException {
        for (Path source : mainSources()) {
            assertThat(Files.readString(source)).as("%s: quantiles of replicas cannot be aggregated", source)
                    .doesNotContain(".publishPercentiles(");
        }
    }

    private static Set<String> registeredMeters() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path source : mainSources()) {
            Matcher meter = METER.matcher(Files.readString(source));
            while (meter.find()) {
                String type = meter.group(1) != null ? meter.group(1) : meter.group(3);
                String name = meter.group(2) != null ? meter.group(2) : meter.group(4);
                names.add(name.replace('.', '_') + SUFFIX.get(type));
            }
        }
        return names;
    }

    private static Set<String> readmeTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("| metric | tags | meaning |");
        return rows(readme.substring(start, readme.indexOf("\n\n", start)));
    }

    private static Set<String> rows(String markdown) {
        Set<String> names = new TreeSet<>();
        Matcher row = TABLE_ROW.matcher(markdown);
        while (row.find()) {
            names.add(row.group(1));
        }
        return names;
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper()
                .readTree(Path.of("deploy/grafana/aihub-run-worker-dashboard.json").toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.path("targets").forEach(t -> expressions.add(t.get("expr").asText())));
        return expressions;
    }

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }
}
