package io.aihub.worker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/benchmarks.md is assembled from parts that run separately (headline, freshness, cold-start, jit-steady,
 * takeover): each part's section sits between {@code <!-- section:NAME -->} and {@code <!-- /section:NAME -->}, so a
 * part run replaces its own section and keeps the others, and the headline run keeps every other section.
 */
final class Sections {
    static final List<String> ORDER = List.of("freshness", "cold-start", "jit-steady", "takeover");
    private static final Pattern SECTION = Pattern.compile(
            "(?s)<!-- section:([a-z-]+) -->\\n(.*?)<!-- /section:\\1 -->\\n?");

    private Sections() {
    }

    /** The marked sections of {@code markdown}, by name, in order. */
    static Map<String, String> parse(String markdown) {
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher m = SECTION.matcher(markdown);
        while (m.find()) {
            sections.put(m.group(1), m.group(2));
        }
        return sections;
    }

    /** {@code markdown} without its marked sections. */
    static String withoutSections(String markdown) {
        return SECTION.matcher(markdown).replaceAll("");
    }

    /** {@code head} (the headline report) followed by the sections in {@link #ORDER}. */
    static String assemble(String head, Map<String, String> sections) {
        StringBuilder out = new StringBuilder(head.stripTrailing()).append("\n\n");
        List<String> names = new ArrayList<>(ORDER);
        sections.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        for (String name : names) {
            String body = sections.get(name);
            if (body != null) {
                out.append("<!-- section:").append(name).append(" -->\n").append(body.stripTrailing())
                        .append("\n<!-- /section:").append(name).append(" -->\n\n");
            }
        }
        return out.toString().stripTrailing() + "\n";
    }

    /** Replaces (or adds) section {@code name} of {@code dir/benchmarks.md}, keeping everything else. */
    static void write(Path dir, String name, String body) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("benchmarks.md");
        String old = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
        Map<String, String> sections = parse(old);
        sections.put(name, body);
        Files.writeString(file, assemble(withoutSections(old), sections));
    }

    /** Writes the headline report {@code head}, keeping the sections the parts wrote before. */
    static void writeHead(Path dir, String head) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("benchmarks.md");
        Map<String, String> sections = Files.exists(file) ? parse(Files.readString(file)) : Map.of();
        Files.writeString(file, assemble(head, sections));
    }

    /** The first lines of every section: the commit measured, when, the load, and the command to run it again. */
    static String provenance(BenchSettings settings, String part, String partSettings, String loadAtStart) {
        return String.format(Locale.ROOT, "Commit measured: `%s`; %s UTC; load average at start %s; %s, %d cores."
                + " Reproduce with:%n%n    deploy/bench/run.sh -Dbench.only=%s%s%n%n", settings.commit(),
                java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0), loadAtStart, Machine.cpuModel(),
                Runtime.getRuntime().availableProcessors(), part, (partSettings.isEmpty() ? "" : " " + partSettings)
                        + (settings.repeats() == 3 ? "" : " -Dbench.repeats=" + settings.repeats()));
    }

    /** "median (min–max)" of the values, formatted with {@code format}; "n/a" when there are none. */
    static String median(String format, double... values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return "n/a";
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        String m = String.format(Locale.ROOT, format, median);
        return v.length == 1 ? m + " (1 run)"
                : m + " (" + String.format(Locale.ROOT, format, v[0]) + "–"
                        + String.format(Locale.ROOT, format, v[v.length - 1]) + ")";
    }

    static double medianValue(double... values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        return v.length == 0 ? Double.NaN
                : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
