package io.aihub.worker.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The printed table, {@code docs/benchmarks.md} and the throughput chart of one benchmark run. */
final class Report {
    private final BenchSettings settings;
    private final List<Measurement> main;
    private final Map<String, Map<Integer, Double>> sweep;
    private final BenchmarkHarness.CallsPerRun calls;
    private final Tracking tracking;
    private final boolean rateLimitApplied;
    private final Instant started;
    private final Instant ended;
    private final String loadAtStart;

    Report(BenchSettings settings, List<Measurement> main, Map<String, Map<Integer, Double>> sweep,
            BenchmarkHarness.CallsPerRun calls, Tracking tracking, boolean rateLimitKnown, Instant started,
            Instant ended, String loadAtStart) {
        this.loadAtStart = loadAtStart;
        this.settings = settings;
        this.main = main;
        this.sweep = sweep;
        this.calls = calls;
        this.tracking = tracking;
        this.rateLimitApplied = rateLimitKnown && settings.rateLimit() > 0;
        this.started = started;
        this.ended = ended;
    }

    /** The side-by-side table (Markdown, which also reads well in a terminal). */
    String table() {
        StringBuilder out = new StringBuilder();
        out.append("| implementation | in flight | commands | throughput (commands/s) | latency p50 / p99 (ms) "
                + "| CPU s per 1,000 | peak RSS (MiB) | AI Hub calls per run | busiest second (requests) "
                + "| broker CPU s | simulator CPU s |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement m : main) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %d of %d | %.0f | %s / %s | %.3f | %.0f | %.2f | %d "
                    + "| %.1f | %.1f |%n", m.implementation(), m.inFlight(), m.submitted(), m.commands(),
                    m.throughput(), ms(m.latencyP50Ms()), ms(m.latencyP99Ms()), m.cpuPer1000(), m.peakRssMiB(),
                    m.callsPerRun(), m.maxRequestsIn1s(), m.brokerCpuSeconds(), m.simulatorCpuSeconds()));
        }
        out.append("\n| where the CPU went | window (s) | implementation CPU s | GC pauses (s) | broker CPU s "
                + "| simulator CPU s | harness CPU s | other processes CPU s | machine busy |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement m : main) {
            out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %.1f | %.1f | %.1f | %.1f | %.0f%% |%n",
                    m.implementation(), m.cpuWindowSeconds(), m.cpuSeconds(),
                    Double.isNaN(m.gcSeconds()) ? "n/a" : String.format(Locale.ROOT, "%.2f", m.gcSeconds()),
                    m.brokerCpuSeconds(), m.simulatorCpuSeconds(), m.harnessCpuSeconds(), m.otherCpuSeconds(),
                    100 * m.machineBusy()));
        }
        out.append("\n| tracking scale | value |\n|---|---:|\n");
        out.append(String.format(Locale.ROOT, "| runs tracked (never ending) | %d of %d |%n", tracking.runs(),
                tracking.asked()));
        out.append(String.format(Locale.ROOT, "| time to submit them (s) | %.1f |%n", tracking.submitSeconds()));
        out.append(String.format(Locale.ROOT, "| tracked for, before measuring (s) | %.0f |%n", tracking.heldSeconds()));
        out.append(String.format(Locale.ROOT, "| heap after GC (MiB), -Xmx%dm | %.1f |%n", tracking.maxHeapMiB(),
                tracking.heapAfterGcMiB()));
        out.append(String.format(Locale.ROOT, "| poll-schedule lag p99 (s) | %s |%n",
                tracking.pollLagP99Seconds().isPresent()
                        ? String.format(Locale.ROOT, "%.3f", tracking.pollLagP99Seconds().getAsDouble())
                        : "n/a"));
        out.append(String.format(Locale.ROOT, "| AI Hub requests per second while tracking | %.0f |%n",
                tracking.requestsPerSecond()));
        out.append(String.format(Locale.ROOT, "| worker CPU while tracking (cores) | %.2f |%n",
                tracking.workerCpuPerSecond()));
        out.append(String.format(Locale.ROOT, "| worker peak RSS (MiB) | %.0f |%n", tracking.peakRssMiB()));
        out.append(String.format(Locale.ROOT, "| busiest second of AI Hub requests | %d |%n",
                tracking.maxRequestsIn1s()));
        out.append(String.format(Locale.ROOT, "| AI Hub calls per ten-minute run (x%d time-compressed, %d runs, %d "
                + "completed) | %.2f |%n", calls.compression(), calls.runs(), calls.terminal(), calls.requestsPerRun()));
        out.append(String.format(Locale.ROOT, "| calls per run as the worker counts them (`aihub_calls_per_run` mean) "
                + "| %s |%n", opt(calls.workerCallsPerRun(), "%.2f")));
        out.append(String.format(Locale.ROOT, "| time waited for the rate limit in that run (`aihub_rate_limit_wait_"
                + "seconds` sum, s) | %s |%n", opt(calls.rateLimitWaitSeconds(), "%.2f")));
        out.append("\n| in flight |");
        sweep.keySet().forEach(name -> out.append(' ').append(name).append(" (commands/s) |"));
        out.append("\n|---:|");
        sweep.keySet().forEach(name -> out.append("---:|"));
        out.append('\n');
        for (int limit : settings.sweep()) {
            out.append("| ").append(limit).append(" |");
            sweep.values().forEach(points -> out.append(String.format(Locale.ROOT, " %.0f |",
                    points.getOrDefault(limit, Double.NaN))));
            out.append('\n');
        }
        return out.toString();
    }

    /** Writes {@code benchmarks.md} and {@code benchmarks-throughput.png} into {@code dir}. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        chart(dir.resolve("benchmarks-throughput.png"));
        Sections.writeHead(dir, markdown()); // keeps the sections the parts wrote
    }

    private void chart(Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title("Throughput against in-flight limit (" + settings.submitLatency().toMillis()
                        + " ms per submission)")
                .xAxisTitle("in-flight limit").yAxisTitle("commands per second").build();
        chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNW)
                .setChartBackgroundColor(Color.WHITE).setDecimalPattern("#,###");
        sweep.forEach((name, points) -> {
            List<Integer> x = new ArrayList<>(points.keySet());
            List<Double> y = new ArrayList<>(points.values());
            chart.addSeries(name, x, y);
        });
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private String markdown() throws IOException {
        Measurement worker = find("worker");
        Measurement naive = find("naive");
        Measurement pc = find("parallel-consumer");
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Generated by the benchmark harness; do not edit by hand. Run it again with:\n\n");
        md.append("    ").append(settings.command()).append("\n\n");
        md.append("(`deploy/bench/run.sh --help` lists the settings; the figures below come from the run described "
                + "here.)\n\n");
        md.append("## Machine and run\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| date (UTC) | ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME
                .format(started.atOffset(ZoneOffset.UTC).withNano(0))).append(" |\n");
        md.append("| duration | ").append(Duration.between(started, ended).toSeconds()).append(" s |\n");
        md.append("| CPU | ").append(Machine.cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores (broker, simulator, implementation and harness share them) |\n");
        md.append("| memory | ").append(Machine.memTotal()).append(" |\n");
        md.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" |\n");
        md.append("| load average at start | ").append(loadAtStart).append(" |\n");
        md.append("| JVM options (the image's, for the worker and both baselines) | `")
                .append(String.join(" ", BenchmarkHarness.IMAGE_JVM_OPTIONS)).append("` |\n");
        md.append("| headline rounds | ").append(settings.rounds()).append(" (worker and Parallel "
                + "Consumer take turns going first; their figures are pooled over the rounds) |\n");
        md.append("| settings | `").append(settings).append("` |\n");
        md.append("| rate limit | ").append(rateLimitApplied
                ? "`worker.rate-limit.requests-per-second=" + settings.rateLimit() + "`"
                : "not applied: this worker has no `worker.rate-limit.requests-per-second` setting").append(" |\n\n");
        md.append("## Results\n\n").append(table()).append('\n');
        md.append("![Throughput against in-flight limit](benchmarks-throughput.png)\n\n");
        md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        target(md, "worker CPU ≤ 0.5 CPU-seconds per 1,000 commands (up to the `submitted` event)",
                fmt("%.3f", worker.cpuPer1000()), worker.cpuPer1000() <= 0.5);
        target(md, "≥ 2,000 commands/s end to end", fmt("%.0f commands/s", worker.throughput()),
                worker.throughput() >= 2000);
        double vsNaive = worker.throughput() / naive.throughput();
        target(md, "≥ 25× the naive baseline in the same run", fmt("%.1f×", vsNaive), vsNaive >= 25);
        double vsPc = worker.throughput() / pc.throughput();
        target(md, "≥ 1.5× the Parallel Consumer baseline", fmt("%.2f×", vsPc), vsPc >= 1.5);
        target(md, "100,000 tracked runs in ≤ 512 MiB heap (after GC)",
                fmt("%s with %d runs tracked%s", tracking.outOfMemory() ? "OutOfMemoryError in the worker"
                        : fmt("%.1f MiB", tracking.heapAfterGcMiB()), tracking.runs(),
                        tracking.runs() < tracking.asked() ? fmt(" (%d asked; the rest were not submitted within "
                                + "the time budget)", tracking.asked()) : ""),
                tracking.outOfMemory() ? Boolean.FALSE
                        : tracking.runs() < 100_000 ? null : tracking.heapAfterGcMiB() <= 512);
        OptionalDouble lag = tracking.pollLagP99Seconds();
        target(md, "poll-schedule lag p99 ≤ 1 s", lag.isPresent() ? fmt("%.3f s", lag.getAsDouble())
                : "n/a "
                        + "(this worker does not publish `aihub_poll_schedule_lag_seconds`)",
                lag.isPresent() ? lag.getAsDouble() <= 1.0 : null);
        target(md, "≤ 15 AI Hub calls per run that lasts 10 minutes", fmt("%.2f", calls.requestsPerRun()),
                calls.requestsPerRun() <= 15);
        int busiest = main.stream().mapToInt(Measurement::maxRequestsIn1s).max().orElse(0);
        busiest = Math.max(busiest, tracking.maxRequestsIn1s());
        target(md, "the rate limit is never exceeded in any 1-second window", rateLimitApplied
                ? fmt("busiest second %d requests, limit %d", busiest, settings.rateLimit())
                : "no rate limit in this worker; busiest second " + busiest + " requests",
                rateLimitApplied ? busiest <= settings.rateLimit() : null);
        md.append('\n').append(limits(worker, naive, pc, busiest)).append('\n');
        md.append(Files.exists(Path.of("deploy/bench/method.md")) ? Files.readString(Path.of("deploy/bench/method.md"))
                : "");
        return md.toString();
    }

    /** What limited the figures of this run, read from where the CPU went (the closing note the issue asks for). */
    private String limits(Measurement worker, Measurement naive, Measurement pc, int busiest) {
        StringBuilder md = new StringBuilder("## What limits the figures of this run\n\n");
        int cores = Runtime.getRuntime().availableProcessors();
        double ideal = settings.inFlight() * 1000.0 / settings.submitLatency().toMillis();
        md.append(fmt("- **Throughput.** The in-flight limit alone would allow %d / %d ms = %.0f commands/s. Over the "
                + "worker's window the machine's %d cores were %.0f%% busy (worker %.1f, broker %.1f, simulator %.1f, "
                + "harness %.1f, processes outside the benchmark %.1f CPU-seconds in %.1f s), ",
                settings.inFlight(), settings.submitLatency().toMillis(), ideal, cores, 100 * worker.machineBusy(),
                worker.cpuSeconds(), worker.brokerCpuSeconds(), worker.simulatorCpuSeconds(),
                worker.harnessCpuSeconds(), worker.otherCpuSeconds(), worker.cpuWindowSeconds()));
        if (worker.otherCpuSeconds() > 0.2 * worker.cpuWindowSeconds() * cores) {
            md.append("and other users of the machine took a large share of it, ");
        }
        md.append(worker.machineBusy() >= 0.85
                ? "so the run is **CPU-bound**: every process on the machine competes for the same cores, and the "
                        + "worker's own share per command decides how far it gets. What moves it: fewer CPU-seconds per "
                        + "command in the worker (it writes two ledger records and one event per command, each an "
                        + "acknowledged, idempotent send), a broker and simulator on other cores, or more cores.\n"
                : "so the run is **not CPU-bound**: the wait is elsewhere — the broker's acknowledged round trips "
                        + "(two ledger records and one event per command before the `submitted` event), the commit "
                        + "and fetch cadence, or the in-flight window. What moves it: more in flight, batching of "
                        + "ledger writes, a shorter linger.\n");
        md.append(fmt("- **CPU per 1,000 commands.** The worker used %.3f CPU-seconds per 1,000 commands (target ≤ "
                + "0.5), of which GC pauses %s s over the window; the Parallel Consumer baseline used %.3f and the "
                + "naive one %.3f. ", worker.cpuPer1000(),
                Double.isNaN(worker.gcSeconds()) ? "n/a"
                        : fmt("%.2f", worker.gcSeconds()),
                pc.cpuPer1000(), naive.cpuPer1000()));
        md.append(worker.cpuPer1000() <= 0.5 ? "Met.\n"
                : "Per command the worker parses and validates, writes the `submitting` ledger record, posts, "
                        + "writes the `tracking` ledger record and publishes the event: three acknowledged sends where "
                        + "the baselines make one. The profile under \"What moved the figures\" below shows where the "
                        + "rest goes: the REST client and Vert.x HTTP 31 %, producing to Kafka 27 %, Mutiny and context "
                        + "propagation 16 %. What would move it, with both ledger records kept: fewer HTTP client layers "
                        + "for the POST than the REST client's, and the event sent through the producer's API with its "
                        + "CloudEvent headers and trace context written by the worker (SmallRye's sink and its producer "
                        + "span are about 5 %), both at the cost of code a library now does for us.\n");
        md.append(fmt("- **Against the baselines.** %.1f× the naive baseline (one in flight, %.0f commands/s: its "
                + "ceiling is one submission round trip, %d ms, plus one acknowledged send) and %.2f× the Parallel "
                + "Consumer baseline (%.0f commands/s, which skips the ledger and holds a thread per command in "
                + "flight).\n", worker.throughput() / naive.throughput(), naive.throughput(),
                settings.submitLatency().toMillis(), worker.throughput() / pc.throughput(), pc.throughput()));
        md.append(fmt("- **Tracking scale.** %d runs tracked in %.1f MiB of heap after GC (limit %d MiB); the worker "
                + "made %.0f AI Hub requests per second to follow them and used %.2f cores. ", tracking.runs(),
                tracking.heapAfterGcMiB(), tracking.maxHeapMiB(), tracking.requestsPerSecond(),
                tracking.workerCpuPerSecond()));
        md.append(tracking.pollLagP99Seconds().isPresent() ? fmt("Poll-schedule lag p99 %.3f s.\n",
                tracking.pollLagP99Seconds().getAsDouble())
                : "This worker publishes no poll-schedule lag, so whether polls kept their schedule is not measured "
                        + "here.\n");
        md.append(fmt("- **Calls per run.** %.2f AI Hub calls per ten-minute run (target ≤ 15): one POST and a poll "
                + "per interval of the schedule (first after `poll-initial`, growing ×`poll-multiplier` up to "
                + "`poll-max`). %s\n", calls.requestsPerRun(),
                calls.requestsPerRun() <= 15 ? "Met."
                        : "What moves it: a longer `poll-max` or a faster-growing interval, or bulk polling (one "
                                + "List runs call for many runs)."));
        md.append(fmt("- **Rate limit.** The busiest second had %d AI Hub requests; %s\n", busiest, rateLimitApplied
                ? fmt("the limit was %d requests/s.", settings.rateLimit())
                : "this worker has no rate limit, so nothing bounds it but the in-flight limit and the poll schedule."));
        return md.toString();
    }

    private Measurement find(String implementation) {
        return main.stream().filter(m -> m.implementation().equals(implementation)).findFirst().orElseThrow();
    }

    private static void target(StringBuilder md, String target, String measured, Boolean met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ")
                .append(met == null ? "not measured" : met ? "met" : "**not met**").append(" |\n");
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String opt(OptionalDouble value, String format) {
        return value.isPresent() ? String.format(Locale.ROOT, format, value.getAsDouble()) : "n/a";
    }

    private static String ms(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.0f", value.getAsDouble()) : "n/a";
    }
}
