package io.aihub.worker.bench;

import java.awt.Color;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of issue 17, each runnable on its own ({@code -Dbench.only=freshness|cold-start|jit-steady|takeover}) and
 * each writing its own section of docs/benchmarks.md ({@link Sections}): freshness within the default budget, cold
 * start, C1 against C2 once warm, and take-over after a kill -9. Every figure is the median of
 * {@code bench.repeats} runs with the range.
 */
final class Parts {
    /** AI Hub's default budget per replica (worker.rate-limit.requests-per-second), the bar of the freshness part. */
    static final int DEFAULT_BUDGET = 50;
    private static final int TARGETS = 50;

    private final BenchmarkHarness h;
    private final BenchSettings s;
    private final String load;

    Parts(BenchmarkHarness harness, String loadAtStart) {
        this.h = harness;
        this.s = harness.settings;
        this.load = loadAtStart;
    }

    // ---------------------------------------------------------------- shared pieces

    /** Reads an events topic in the background: per command, the timestamp of its first event of each type. */
    static final class Collector implements AutoCloseable {
        final Map<String, Long> submitted = new ConcurrentHashMap<>();
        final Map<String, Long> completed = new ConcurrentHashMap<>();
        private volatile boolean stop;
        private final Thread thread;

        Collector(String bootstrap, String topic) {
            thread = new Thread(() -> {
                Properties props = new Properties();
                props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
                try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                        new ByteArrayDeserializer())) {
                    List<TopicPartition> partitions = new ArrayList<>();
                    for (int p = 0; p < BenchKafka.PARTITIONS; p++) {
                        partitions.add(new TopicPartition(topic, p));
                    }
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    while (!stop) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            Header type = r.headers().lastHeader("ce_type");
                            String t = type == null ? "" : new String(type.value(), StandardCharsets.UTF_8);
                            if (t.equals("aihub.run.submitted")) {
                                submitted.putIfAbsent(r.key(), r.timestamp());
                            } else if (t.equals("aihub.run.completed")) {
                                completed.putIfAbsent(r.key(), r.timestamp());
                            }
                        }
                    }
                }
            }, "bench-collector");
            thread.setDaemon(true);
            thread.start();
        }

        long submittedWithPrefix(String prefix) {
            return submitted.keySet().stream().filter(k -> k.startsWith(prefix)).count();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5_000);
        }
    }

    /** Samples the simulator's request counters once a second: total calls and submissions (POSTs). */
    final class Sampler implements AutoCloseable {
        final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>()); // {ms, total, posts}
        private volatile boolean stop;
        private final Thread thread;

        Sampler() {
            thread = new Thread(() -> {
                while (!stop) {
                    try {
                        JsonNode stats = h.sim().stats();
                        long posts = 0;
                        var it = stats.path("requests").fields();
                        while (it.hasNext()) {
                            var e = it.next();
                            if (e.getKey().startsWith("POST")) {
                                posts += e.getValue().asLong();
                            }
                        }
                        samples.add(new long[] { System.currentTimeMillis(), stats.path("total_requests").asLong(),
                                posts });
                        TimeUnit.MILLISECONDS.sleep(1000);
                    } catch (IOException e) {
                        // a slow answer: the next sample covers the gap
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** {calls/s, posts/s} between the samples nearest to {@code from} and {@code to}. */
        double[] rate(long from, long to) {
            long[] a = nearest(from);
            long[] b = nearest(to);
            double secs = Math.max(0.001, (b[0] - a[0]) / 1000.0);
            return new double[] { (b[1] - a[1]) / secs, (b[2] - a[2]) / secs };
        }

        /** The most calls between two samples about a second apart, per second, after {@code from}. */
        double busiestSecond(long from) {
            double most = 0;
            synchronized (samples) {
                for (int i = 1; i < samples.size(); i++) {
                    long[] a = samples.get(i - 1);
                    long[] b = samples.get(i);
                    if (a[0] >= from && b[0] - a[0] >= 900) {
                        most = Math.max(most, (b[1] - a[1]) * 1000.0 / (b[0] - a[0]));
                    }
                }
            }
            return most;
        }

        private long[] nearest(long at) {
            synchronized (samples) {
                long[] best = samples.get(0);
                for (long[] sample : samples) {
                    if (Math.abs(sample[0] - at) < Math.abs(best[0] - at)) {
                        best = sample;
                    }
                }
                return best;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(5_000);
        }
    }

    /** A command for app or deployment {@code target} (of {@link #TARGETS}), with an optional simulator finish time. */
    static String command(String id, String prefix, int target, long finishAtMs) {
        String tags = finishAtMs > 0 ? ", \"settings\": {\"tags\": [\"sim-finish-at-ms:" + finishAtMs + "\"]}" : "";
        String what = target % 2 == 0
                ? "\"app_name\": \"" + prefix + "-app-" + target + "\", \"output_workspace\": \"bench\""
                : "\"deployment_id\": \"" + prefix + "-dep-" + target + "\"";
        return "{\"command_id\": \"" + id + "\", " + what + ", \"batch_id\": " + (1000 + target) + tags + "}";
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private double trackedRuns(int managementPort) {
        try {
            return PrometheusText.sum(h.metrics(managementPort), "aihub_runs_in_flight").orElse(Double.NaN);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static void awaitTrue(String what, Duration timeout, BenchProcess process,
            java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (process != null) {
                process.requireAlive();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not happen within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /**
     * Submits {@code count} commands with a throw-away worker at a high rate limit and no polls, then stops it
     * (SIGTERM): the runs are in the ledger, ready for the measured replicas to restore, without spending their
     * budget of 50 calls/s on 40 minutes of submissions.
     */
    private void load(BenchKafka.Topics topics, String group, String prefix, int count,
            java.util.function.IntToLongFunction finishAt, Collector events) throws Exception {
        BenchProcess loader = h.launch("worker", 256, topics, group, BenchmarkHarness.freePort(),
                Map.of("worker.tracking.poll-initial", "10m", "worker.tracking.bulk-interval", "10m"), "768m",
                true, 5000);
        try {
            h.kafka().awaitAssigned(group, loader, Duration.ofSeconds(120));
            try (KafkaProducer<String, String> producer = producer(h.kafka().bootstrap())) {
                for (int i = 0; i < count; i++) {
                    String id = prefix + "-" + i;
                    producer.send(new ProducerRecord<>(topics.commands(), id,
                            command(id, prefix, i % TARGETS, finishAt.applyAsLong(i))));
                }
            }
            awaitTrue(count + " submissions by the loader", Duration.ofSeconds(120 + count / 100), loader,
                    () -> events.submittedWithPrefix(prefix + "-") >= count);
        } finally {
            h.stop(loader);
        }
    }

    // ---------------------------------------------------------------- freshness

    record Freshness(int runs, int eligible, int seen, double p50, double p99, double callsPerSecond,
            double busiestSecond, double backlogPostsPerSecond, double backlogShareOfBudget, double tracked,
            int excluded) {
    }

    void freshness() throws Exception {
        // Reported by size, whatever order they ran in (the largest first shows a collapse early).
        Map<Integer, List<Freshness>> all = new TreeMap<>();
        for (int n : s.freshnessRuns()) {
            for (int r = 1; r <= s.repeats(); r++) {
                all.computeIfAbsent(n, k -> new ArrayList<>()).add(freshnessOnce(n, r));
            }
        }
        writeFreshness(all);
    }

    private Freshness freshnessOnce(int n, int repeat) throws Exception {
        String phase = "fresh" + n + "r" + repeat;
        BenchKafka.Topics topics = BenchKafka.Topics.of(phase);
        h.kafka().create(topics);
        h.sim().reset();
        String group = "bench-" + phase;
        long windowMs = Duration.ofMinutes(60).toMillis() / s.freshnessCompression();
        long windowStart = System.currentTimeMillis() + n * 1000L / s.freshnessLoadRate() + 45_000;
        Random random = new Random(n * 31L + repeat);
        Map<String, Long> finishAt = new HashMap<>();
        int ending = (int) Math.round(n * s.freshnessEnding());
        try (Collector events = new Collector(h.kafka().bootstrap(), topics.events())) {
            load(topics, group, phase, n, i -> {
                // The first `ending` runs change within the window; the others keep running beyond it.
                long at = i < ending ? windowStart + (long) (random.nextDouble() * windowMs)
                        : windowStart + 100 * windowMs;
                finishAt.put(phase + "-" + i, at);
                return at;
            }, events);
            int port = BenchmarkHarness.freePort();
            // The measured replica: the worker's defaults, its budget included (no rate-limit setting passed).
            BenchProcess worker = h.launch("worker", 256, topics, group, port, Map.of(), "512m", true, 0);
            try (Sampler sampler = new Sampler()) {
                h.kafka().awaitAssigned(group, worker, Duration.ofSeconds(120));
                awaitTrue("restore of " + n + " runs", Duration.ofSeconds(300), worker,
                        () -> trackedRuns(port) >= 0.95 * n);
                long ready = System.currentTimeMillis();
                BenchmarkHarness.log(String.format(Locale.ROOT, "freshness %d: %.0f runs tracked; window starts in "
                        + "%d s, lasts %d s", n, trackedRuns(port), (windowStart - ready) / 1000, windowMs / 1000));
                // A backlog of new commands a quarter into the window: the budget's split while they wait.
                long backlogAt = Math.max(ready, windowStart) + windowMs / 4;
                TimeUnit.MILLISECONDS.sleep(Math.max(0, backlogAt - System.currentTimeMillis()));
                double trackedMid = trackedRuns(port);
                String backlogPrefix = phase + "b";
                long backlogStart = System.currentTimeMillis();
                try (KafkaProducer<String, String> producer = producer(h.kafka().bootstrap())) {
                    for (int i = 0; i < s.freshnessBacklog(); i++) {
                        String id = backlogPrefix + "-" + i;
                        producer.send(new ProducerRecord<>(topics.commands(), id,
                                command(id, phase, i % TARGETS, windowStart + 100 * windowMs)));
                    }
                }
                long end = windowStart + windowMs + 360_000;
                Set<String> eligible = new HashSet<>();
                finishAt.forEach((id, at) -> {
                    if (at >= ready + 5_000 && at <= windowStart + windowMs) {
                        eligible.add(id);
                    }
                });
                while (System.currentTimeMillis() < end
                        && !(events.completed.keySet().containsAll(eligible)
                                && events.submittedWithPrefix(backlogPrefix + "-") >= s.freshnessBacklog())) {
                    worker.requireAlive();
                    TimeUnit.SECONDS.sleep(1);
                }
                long backlogDone = events.submitted.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(backlogPrefix + "-")).mapToLong(Map.Entry::getValue).max()
                        .orElse(System.currentTimeMillis());
                double[] delays = eligible.stream().filter(events.completed::containsKey)
                        .mapToDouble(id -> (events.completed.get(id) - finishAt.get(id)) / 1000.0).sorted().toArray();
                double[] overall = sampler.rate(ready, System.currentTimeMillis());
                double[] backlog = sampler.rate(backlogStart, backlogDone);
                int excluded = (int) finishAt.values().stream().filter(at -> at < ready + 5_000).count();
                Freshness f = new Freshness(n, eligible.size(), delays.length,
                        BenchmarkHarness.percentile(delays, 0.50).orElse(Double.NaN),
                        delays.length < eligible.size() * 0.99 ? Double.POSITIVE_INFINITY
                                : BenchmarkHarness.percentile(delays, 0.99).orElse(Double.NaN),
                        overall[0], sampler.busiestSecond(ready), backlog[1], backlog[1] / DEFAULT_BUDGET, trackedMid,
                        excluded);
                BenchmarkHarness.log("freshness: " + f);
                return f;
            } finally {
                h.stop(worker);
            }
        }
    }

    private void writeFreshness(Map<Integer, List<Freshness>> all) throws IOException {
        StringBuilder md = new StringBuilder("## Freshness within the budget\n\n");
        md.append(Sections.provenance(s, "freshness", "-Dbench.freshness-runs="
                + String.join(",", all.keySet().stream().map(String::valueOf).toList()), load));
        md.append(String.format(Locale.ROOT, "One replica with the worker's defaults (`%s` unset: %d calls/s), "
                + "runs spread over %d apps and deployments, 1–60 minute runs time-compressed ×%d: %.0f %% of "
                + "the runs change status (RUNNING → COMPLETE) at times spread evenly over a %d s window (60 min / %d), "
                + "the rest keep running, and %d new commands arrive a quarter into the window. Median of %d runs "
                + "(range).%n%n", BenchmarkHarness.RATE_LIMIT_KEY, DEFAULT_BUDGET, TARGETS,
                s.freshnessCompression(), 100 * s.freshnessEnding(), 3600 / s.freshnessCompression(),
                s.freshnessCompression(), s.freshnessBacklog(), s.repeats()));
        md.append("| tracked runs | changes measured | delay p50 (s) | delay p99 (s) | calls/s used | busiest second "
                + "| submissions/s while the backlog waits | share of the budget to submissions | goal |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<Double> x = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (var e : all.entrySet()) {
            List<Freshness> runs = e.getValue();
            double medP99 = Sections.medianValue(runs.stream().mapToDouble(Freshness::p99).toArray());
            double goal = e.getKey() <= 10_000 ? 60 : 300;
            double share = Sections.medianValue(runs.stream().mapToDouble(Freshness::backlogShareOfBudget).toArray());
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | p99 ≤ %.0f s: %s; "
                    + "share ≥ 50 %%: %s |%n", e.getKey(),
                    Sections.median("%.0f", runs.stream().mapToDouble(Freshness::seen).toArray()) + " of "
                            + runs.get(0).eligible(),
                    Sections.median("%.1f", runs.stream().mapToDouble(Freshness::p50).toArray()),
                    Sections.median("%.1f", runs.stream().mapToDouble(Freshness::p99).toArray()),
                    Sections.median("%.1f", runs.stream().mapToDouble(Freshness::callsPerSecond).toArray()),
                    Sections.median("%.0f", runs.stream().mapToDouble(Freshness::busiestSecond).toArray()),
                    Sections.median("%.1f", runs.stream().mapToDouble(Freshness::backlogPostsPerSecond).toArray()),
                    Sections.median("%.0f %%", runs.stream().mapToDouble(f -> 100 * f.backlogShareOfBudget())
                            .toArray()),
                    goal, medP99 <= goal ? "met" : "not met", share >= 0.5 ? "met" : "not met"));
            x.add((double) e.getKey());
            p50.add(Sections.medianValue(runs.stream().mapToDouble(Freshness::p50).toArray()));
            p99.add(Double.isInfinite(medP99) ? Double.NaN : medP99);
        }
        md.append("\n\"∞\" as p99: more than 1 % of the changes had no event before the end of the run (window + "
                + "6 min). Changes due before the measured replica had restored its runs are left out. Calls/s used "
                + "and the busiest second are the simulator's counts, sampled once a second.\n\n");
        md.append("![Freshness against tracked runs](benchmarks-freshness.png)\n\n");
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title("Status-change-to-event delay, one replica at " + DEFAULT_BUDGET + " calls/s")
                .xAxisTitle("tracked runs").yAxisTitle("seconds").build();
        chart.getStyler().setXAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNW)
                .setChartBackgroundColor(Color.WHITE);
        chart.addSeries("p50", x, p50);
        chart.addSeries("p99", x, p99);
        Files.createDirectories(Path.of(s.outputDir()));
        BitmapEncoder.saveBitmap(chart, Path.of(s.outputDir(), "benchmarks-freshness.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        Sections.write(Path.of(s.outputDir()), "freshness", md.toString());
    }

    // ---------------------------------------------------------------- cold start

    record Cold(String implementation, String options, double readyMs, double assignedMs, double perSecond,
            double perSecondAfterAssigned, double cpuPer1000) {
    }

    void coldStart() throws Exception {
        Path archives = Path.of(s.buildDir(), "cds");
        Files.createDirectories(archives);
        // The AppCDS variant: an archive per implementation, dumped at the exit of a training run.
        // The worker only: Parallel Consumer runs from a class path with target/bench/classes and test-classes,
        // and the JDK refuses to dump an archive over non-empty directories ("Cannot have non-empty directory in
        // paths"); the image that could use an archive is the worker's anyway.
        for (String impl : List.of("worker")) {
            Path jsa = archives.resolve(impl + ".jsa").toAbsolutePath();
            Files.deleteIfExists(jsa);
            coldOnce(impl, "train", 1, List.of("-XX:ArchiveClassesAtExit=" + jsa), Math.min(2000, s.coldCommands()));
        }
        // Quarkus's own archive (quarkus.package.jar.appcds.enabled=true, which run.sh sets for this part): dumped
        // at package time by a run that stops after static initialisation; the worker only.
        Path quarkusJsa = Path.of(s.buildDir(), "quarkus-app", "app-cds.jsa").toAbsolutePath();
        List<String> variants = new ArrayList<>(List.of("image", "plain", "image+appcds"));
        if (Files.exists(quarkusJsa)) {
            variants.add("image+quarkus-appcds");
        } else {
            BenchmarkHarness.log("cold start: no " + quarkusJsa + " (build with -Dquarkus.package.jar.appcds.enabled"
                    + "=true), so no image+quarkus-appcds runs");
        }
        List<Cold> all = new ArrayList<>();
        for (int r = 1; r <= s.repeats(); r++) {
            for (String options : variants) {
                List<String> order = options.contains("appcds") ? List.of("worker")
                        : r % 2 == 1 ? List.of("worker", "parallel-consumer")
                                : List.of("parallel-consumer", "worker");
                for (String impl : order) {
                    List<String> extra = switch (options) {
                        // -Xshare:on: an archive the JVM cannot use stops the run instead of being ignored.
                        case "image+appcds" -> List.of("-Xshare:on",
                                "-XX:SharedArchiveFile=" + archives.resolve(impl + ".jsa").toAbsolutePath());
                        case "image+quarkus-appcds" -> List.of("-Xshare:on", "-XX:SharedArchiveFile=" + quarkusJsa);
                        default -> List.of();
                    };
                    all.add(coldOnce(impl, options, r, extra, s.coldCommands()));
                }
            }
        }
        StringBuilder md = new StringBuilder("## Cold start\n\n");
        md.append(Sections.provenance(s, "cold-start", "-Dbench.cold-commands=" + s.coldCommands(), load));
        md.append(String.format(Locale.ROOT, "Each run starts a fresh JVM on topics that already hold %d commands "
                + "(the same ones for both); the clock starts when the process is started. *image*: the -XX options "
                + "of `src/main/docker/Dockerfile.jvm` and -Xmx512m; *plain*: `java -jar` (or `java -cp`) with "
                + "system properties only; *image+appcds*: the image's options and `-XX:SharedArchiveFile` of an "
                + "archive dumped (`-XX:ArchiveClassesAtExit`) by a 2,000-command training run (the worker only: the "
                + "JDK dumps no archive over Parallel Consumer's class directories); *image+quarkus-appcds* (the "
                + "worker only): the image's options and the archive "
                + "Quarkus dumps at package time (`quarkus.package.jar.appcds.enabled=true`, a run that stops after "
                + "static initialisation). Ready: the worker's `/q/health/ready` answers UP (Parallel Consumer has no "
                + "readiness; its \"polling\" line). Median of %d runs (range).%n%n", s.coldCommands(), s.repeats()));
        md.append("| options | implementation | start → ready (ms) | start → owns all partitions (ms) | commands/s "
                + "from process start | commands/s after assignment | CPU s per 1,000 |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (String options : variants) {
            for (String impl : List.of("worker", "parallel-consumer")) {
                List<Cold> runs = all.stream().filter(c -> c.options().equals(options)
                        && c.implementation().equals(impl)).toList();
                if (runs.isEmpty()) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", options, impl,
                        Sections.median("%.0f", runs.stream().mapToDouble(Cold::readyMs).toArray()),
                        Sections.median("%.0f", runs.stream().mapToDouble(Cold::assignedMs).toArray()),
                        Sections.median("%.0f", runs.stream().mapToDouble(Cold::perSecond).toArray()),
                        Sections.median("%.0f", runs.stream().mapToDouble(Cold::perSecondAfterAssigned).toArray()),
                        Sections.median("%.3f", runs.stream().mapToDouble(Cold::cpuPer1000).toArray())));
            }
            double w = Sections.medianValue(all.stream().filter(c -> c.options().equals(options)
                    && c.implementation().equals("worker")).mapToDouble(Cold::perSecond).toArray());
            double[] pcRuns = all.stream().filter(c -> c.options().equals(options)
                    && c.implementation().equals("parallel-consumer")).mapToDouble(Cold::perSecond).toArray();
            if (pcRuns.length == 0) {
                continue;
            }
            double pc = Sections.medianValue(pcRuns);
            md.append(String.format(Locale.ROOT, "| %s | worker ÷ Parallel Consumer (goal ≥ 1.5×) | | | %.2f× | | |%n",
                    options, w / pc));
        }
        Sections.write(Path.of(s.outputDir()), "cold-start", md.toString());
    }

    private Cold coldOnce(String impl, String options, int repeat, List<String> extra, int commands)
            throws Exception {
        String phase = "cold-" + impl + "-" + options.replace("+", "-") + "-r" + repeat;
        BenchKafka.Topics topics = BenchKafka.Topics.of(phase);
        h.kafka().create(topics);
        h.sim().reset();
        h.kafka().produceCommands(topics.commands(), phase, commands, "bench-app");
        int port = BenchmarkHarness.freePort();
        String group = "bench-" + phase;
        long start = System.currentTimeMillis();
        BenchProcess p = h.launch(impl, s.inFlight(), topics, group, port,
                Map.of("worker.tracking.poll-initial", "10m", "worker.tracking.bulk-interval", "10m"),
                options.equals("plain") ? null : "512m", !options.equals("plain"), s.rateLimit(), extra);
        try (Collector events = new Collector(h.kafka().bootstrap(), topics.events())) {
            double ready = Double.NaN;
            double assigned = Double.NaN;
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.currentTimeMillis() + 120_000 + commands * 10L;
            while (events.submittedWithPrefix(phase + "-") < commands && System.currentTimeMillis() < deadline) {
                p.requireAlive();
                long now = System.currentTimeMillis();
                if (Double.isNaN(ready)) {
                    if (impl.equals("worker")) {
                        try {
                            if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                    + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                                ready = now - start;
                            }
                        } catch (IOException e) {
                            // not listening yet
                        }
                    } else if (Files.readString(p.log()).contains("baseline polling")) {
                        ready = now - start;
                    }
                }
                if (Double.isNaN(assigned) && h.kafka().ownsAll(group)) {
                    assigned = System.currentTimeMillis() - start;
                }
                TimeUnit.MILLISECONDS.sleep(Double.isNaN(ready) ? 20 : 200);
            }
            long last = events.submitted.values().stream().mapToLong(Long::longValue).max().orElse(0);
            int done = (int) events.submittedWithPrefix(phase + "-");
            double cpu = p.cpuSeconds();
            Cold c = new Cold(impl, options, ready, assigned, done / ((last - start) / 1000.0),
                    done / ((last - start - assigned) / 1000.0), cpu * 1000.0 / Math.max(1, done));
            BenchmarkHarness.log("cold start: " + c + (done < commands ? " (only " + done + " submitted)" : ""));
            return c;
        } finally {
            h.stop(p);
        }
    }

    // ---------------------------------------------------------------- jit-steady

    void jitSteady() throws Exception {
        Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
        for (int r = 1; r <= s.repeats(); r++) {
            List<String> order = r % 2 == 1 ? List.of("C1", "C2") : List.of("C2", "C1");
            for (String jit : order) {
                results.computeIfAbsent(jit, k -> new ArrayList<>()).add(jitOnce(jit, r));
            }
        }
        StringBuilder md = new StringBuilder("## C1 only against the default JIT, warm\n\n");
        md.append(Sections.provenance(s, "jit-steady", "-Dbench.jit-minutes=" + s.jitMinutes() + " -Dbench.jit-rate="
                + s.jitRate(), load));
        md.append(String.format(Locale.ROOT, "The worker with the image's options, %d commands/s offered for %d "
                + "minutes; *C1*: as the image (`-XX:TieredStopAtLevel=1`), *C2*: the same with "
                + "`-XX:TieredStopAtLevel=4` (the default tiered JIT). Figures over the second half of each run, "
                + "once warm. Median of %d runs (range).%n%n", s.jitRate(), s.jitMinutes(), s.repeats()));
        md.append("| JIT | commands/s (second half) | CPU s per 1,000 (second half) | submitted-event lag p99 (ms) |\n"
                + "|---|---:|---:|---:|\n");
        results.forEach((jit, runs) -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", jit,
                Sections.median("%.0f", runs.stream().mapToDouble(v -> v[0]).toArray()),
                Sections.median("%.3f", runs.stream().mapToDouble(v -> v[1]).toArray()),
                Sections.median("%.0f", runs.stream().mapToDouble(v -> v[2]).toArray()))));
        double c1 = Sections.medianValue(results.get("C1").stream().mapToDouble(v -> v[1]).toArray());
        double c2 = Sections.medianValue(results.get("C2").stream().mapToDouble(v -> v[1]).toArray());
        md.append(String.format(Locale.ROOT, "%nOnce warm, C1 only uses %.0f %% of the CPU per command of the default "
                + "JIT: %s.%n", 100 * c1 / c2,
                c1 < c2 ? "it still wins, so the image keeps `-XX:TieredStopAtLevel=1`"
                        : "it no longer wins; drop `-XX:TieredStopAtLevel=1` from the image"));
        Sections.write(Path.of(s.outputDir()), "jit-steady", md.toString());
    }

    /** {commands/s, CPU s per 1,000, p99 of event time − command produce time in ms}, second half of the run. */
    private double[] jitOnce(String jit, int repeat) throws Exception {
        String phase = "jit-" + jit + "-r" + repeat;
        BenchKafka.Topics topics = BenchKafka.Topics.of(phase);
        h.kafka().create(topics);
        h.sim().reset();
        String group = "bench-" + phase;
        BenchProcess p = h.launch("worker", s.inFlight(), topics, group, BenchmarkHarness.freePort(),
                // Runs end 5 s after their command and are listed every 5 s, so the tracked set stays near
                // 8,000 at 800 commands/s: runs that never end filled max-runs in 3 minutes and paused intake.
                Map.of("worker.tracking.bulk-interval", "5s"), "512m", true,
                s.rateLimit(), jit.equals("C2") ? List.of("-XX:TieredStopAtLevel=4") : List.of());
        Map<String, Long> producedAt = new ConcurrentHashMap<>();
        try (Collector events = new Collector(h.kafka().bootstrap(), topics.events());
                KafkaProducer<String, String> producer = producer(h.kafka().bootstrap())) {
            h.kafka().awaitAssigned(group, p, Duration.ofSeconds(120));
            long start = System.currentTimeMillis();
            long end = start + Duration.ofMinutes(s.jitMinutes()).toMillis();
            long half = start + (end - start) / 2;
            double cpuHalf = Double.NaN;
            long countHalf = 0;
            long sent = 0;
            while (System.currentTimeMillis() < end) {
                p.requireAlive();
                long due = (System.currentTimeMillis() - start) * s.jitRate() / 1000;
                for (; sent < due; sent++) {
                    String id = phase + "-" + sent;
                    producedAt.put(id, System.currentTimeMillis());
                    producer.send(new ProducerRecord<>(topics.commands(), id, command(id, phase, (int) (sent % TARGETS),
                            System.currentTimeMillis() + 5_000)));
                }
                if (Double.isNaN(cpuHalf) && System.currentTimeMillis() >= half) {
                    cpuHalf = p.cpuSeconds();
                    countHalf = events.submitted.size();
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            double cpu = p.cpuSeconds() - cpuHalf;
            long count = events.submitted.size() - countHalf;
            double secs = (System.currentTimeMillis() - half) / 1000.0;
            double[] lags = events.submitted.entrySet().stream().filter(e -> producedAt.containsKey(e.getKey())
                    && producedAt.get(e.getKey()) >= half).mapToDouble(e -> e.getValue() - producedAt.get(e.getKey()))
                    .sorted().toArray();
            double[] r = { count / secs, cpu * 1000 / Math.max(1, count),
                    BenchmarkHarness.percentile(lags, 0.99).orElse(Double.NaN) };
            BenchmarkHarness.log(String.format(Locale.ROOT, "jit-steady %s: %.0f commands/s, %.3f CPU-s/1000, "
                    + "lag p99 %.0f ms", jit, r[0], r[1], r[2]));
            return r;
        } finally {
            h.stop(p);
        }
    }

    // ---------------------------------------------------------------- take-over

    private static final Pattern RESTORED = Pattern.compile("partition (\\d+) restored in (\\d+) ms: (\\d+) commands, "
            + "(\\d+) runs resumed");

    void takeover() throws Exception {
        List<double[]> runs = new ArrayList<>();
        for (int r = 1; r <= s.repeats(); r++) {
            runs.add(takeoverOnce(r));
        }
        StringBuilder md = new StringBuilder("## Take-over after kill -9\n\n");
        md.append(Sections.provenance(s, "takeover", "-Dbench.takeover-runs=" + s.takeoverRuns(), load));
        md.append(String.format(Locale.ROOT, "Two worker replicas in one group (the worker's defaults, 50 calls/s "
                + "each) track %d runs that never end (about half each); one is killed with SIGKILL. *Detected*: "
                + "kill → the survivor owns all partitions (the group's session timeout); *restore*: the survivor's "
                + "`partition N restored in M ms` lines for the victim's partitions (also `aihub_ledger_restore` "
                + "in its metrics), the longest of them; *re-polled*: kill → every run of the victim's partitions "
                + "has been seen by AI Hub (`GET /_sim/runs/observed`, a status call or a List runs page) after the survivor "
                + "restored it (earlier sightings do not count: a List runs page shows every run of a target, the "
                + "victim's too). Median of %d runs (range).%n%n",
                s.takeoverRuns(), s.repeats()));
        md.append("| victim's runs | detected (s) | restore, longest partition (ms) | all re-polled (s) | goal ≤ 30 s |\n"
                + "|---:|---:|---:|---:|---|\n");
        double repolled = Sections.medianValue(runs.stream().mapToDouble(v -> v[3]).toArray());
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n",
                Sections.median("%.0f", runs.stream().mapToDouble(v -> v[0]).toArray()),
                Sections.median("%.1f", runs.stream().mapToDouble(v -> v[1]).toArray()),
                Sections.median("%.0f", runs.stream().mapToDouble(v -> v[2]).toArray()),
                Sections.median("%.1f", runs.stream().mapToDouble(v -> v[3]).toArray()),
                repolled <= 30 ? "met" : "not met"));
        Sections.write(Path.of(s.outputDir()), "takeover", md.toString());
    }

    /** {victim's runs, detected s, longest restore ms, all re-polled s}. */
    private double[] takeoverOnce(int repeat) throws Exception {
        String phase = "takeover-r" + repeat;
        BenchKafka.Topics topics = BenchKafka.Topics.of(phase);
        h.kafka().create(topics);
        h.sim().reset();
        String group = "bench-" + phase;
        int n = s.takeoverRuns();
        try (Collector events = new Collector(h.kafka().bootstrap(), topics.events())) {
            long never = System.currentTimeMillis() + Duration.ofDays(1).toMillis(); // runs that outlive the part
            load(topics, group, phase, n, i -> never, events);
        }
        int portA = BenchmarkHarness.freePort();
        int portB = BenchmarkHarness.freePort();
        BenchProcess a = h.launch("worker", 256, topics, group, portA, Map.of(), "512m", true, 0);
        BenchProcess b = h.launch("worker", 256, topics, group, portB, Map.of(), "512m", true, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, h.kafka().bootstrap()))) {
            awaitTrue("both replicas tracking", Duration.ofSeconds(300), b, () -> trackedRuns(portA) > 0
                    && trackedRuns(portB) > 0 && trackedRuns(portA) + trackedRuns(portB) >= n * 0.99);
            TimeUnit.SECONDS.sleep(10); // a bulk pass or two, so that polling is in its steady state
            Map<String, Set<Integer>> before = assignment(admin, group);
            long logOffset = Files.size(b.log());
            long kill = System.currentTimeMillis();
            a.kill();
            awaitTrue("the survivor owning every partition", Duration.ofSeconds(300), b,
                    () -> assignment(admin, group).values().stream().mapToInt(Set::size).sum() == BenchKafka.PARTITIONS
                            && assignment(admin, group).size() == 1);
            double detected = (System.currentTimeMillis() - kill) / 1000.0;
            String survivor = assignment(admin, group).keySet().iterator().next();
            Set<Integer> victimPartitions = new HashSet<>();
            before.forEach((member, parts) -> {
                if (!member.equals(survivor)) {
                    victimPartitions.addAll(parts);
                }
            });
            Set<String> victimRuns = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String id = phase + "-" + i;
                if (victimPartitions.contains(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8)))
                        % BenchKafka.PARTITIONS)) {
                    victimRuns.add(id);
                }
            }
            // Restore: the survivor's "partition N restored in M ms" line for each of the victim's partitions.
            // Re-polled: every run of those partitions observed by AI Hub (a status call or a List runs page) after
            // the survivor restored them. Observations before that do not count: the survivor's List runs pages
            // cover every run of a target, its own and the victim's alike, so a run is seen again at once even
            // while nobody tracks it.
            Map<Integer, Double> restoredMs = new HashMap<>();
            long restoredAt = 0;
            double repolled = Double.NaN;
            long deadline = kill + 600_000;
            while (System.currentTimeMillis() < deadline) {
                b.requireAlive();
                if (restoredMs.size() < victimPartitions.size()) {
                    Matcher m = RESTORED.matcher(Files.readString(b.log()).substring((int) logOffset));
                    while (m.find()) {
                        int partition = Integer.parseInt(m.group(1));
                        if (victimPartitions.contains(partition)) {
                            restoredMs.put(partition, Double.parseDouble(m.group(2)));
                        }
                    }
                    if (restoredMs.size() == victimPartitions.size()) {
                        restoredAt = System.currentTimeMillis();
                    }
                } else if (h.sim().observedSince(restoredAt, victimRuns) >= victimRuns.size()) {
                    repolled = (System.currentTimeMillis() - kill) / 1000.0;
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            double restore = restoredMs.size() == victimPartitions.size()
                    ? restoredMs.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)
                    : Double.NaN;
            double[] r = { victimRuns.size(), detected, restore, repolled };
            BenchmarkHarness.log(String.format(Locale.ROOT, "takeover: %d runs of partitions %s, detected after %.1f s, "
                    + "restored in %.0f ms, all re-polled after %.1f s", victimRuns.size(), victimPartitions, detected,
                    restore, repolled));
            return r;
        } finally {
            h.stop(a);
            h.stop(b);
        }
    }

    private static Map<String, Set<Integer>> assignment(Admin admin, String group) {
        try {
            Map<String, Set<Integer>> out = new HashMap<>();
            for (MemberDescription member : admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group).members()) {
                Set<Integer> parts = new HashSet<>();
                member.assignment().topicPartitions().forEach(tp -> parts.add(tp.partition()));
                out.put(member.consumerId(), parts);
            }
            return out;
        } catch (Exception e) {
            return Map.of();
        }
    }
}
