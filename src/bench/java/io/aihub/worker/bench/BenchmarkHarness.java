package io.aihub.worker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.aihub.testkit.KafkaProcess;

/**
 * The benchmark (docs/benchmarks.md): a Kafka broker, the AI Hub simulator and each implementation as their own
 * processes on fresh 8-partition topics, the same commands for each, figures read from the processes, the broker and
 * the simulator. Run by {@code deploy/bench/run.sh}; every setting is a {@code bench.*} system property.
 */
public final class BenchmarkHarness {

    static final String ADMIN_TOKEN = "bench-admin-token";
    static final String API_TOKEN = "sim-token";
    private static final String JUL_MANAGER = "-Djava.util.logging.manager=org.jboss.logmanager.LogManager";
    static final String RATE_LIMIT_KEY = "worker.rate-limit.requests-per-second";

    /**
     * The {@code -XX} options the worker's image passes to the JVM: those the base image's {@code run-java.sh} builds
     * from the Dockerfile's {@code GC_*} variables (its {@code gc_config}, with its defaults for what is not set),
     * then those of {@code JAVA_OPTS_APPEND}, in {@code src/main/docker/Dockerfile.jvm}. The packaged worker runs with
     * them, and so do both baselines. {@code -XX:MaxRAMPercentage} is left out, as every run sets {@code -Xmx}.
     */
    static final List<String> IMAGE_JVM_OPTIONS = imageJvmOptions(Path.of("src/main/docker/Dockerfile.jvm"));

    /** The used heap in {@code jcmd GC.heap_info}: the one G1 heap, or the generations of the other collectors. */
    static double heapUsedMiB(String heapInfo) {
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(heapInfo);
        long kib = 0;
        boolean found = false;
        while (used.find()) {
            kib += Long.parseLong(used.group(1));
            found = true;
        }
        return found ? kib / 1024.0 : Double.NaN;
    }

    static List<String> imageJvmOptions(Path dockerfile) {
        Map<String, String> env = new HashMap<>();
        try {
            Matcher m = Pattern.compile("(?m)^ENV (\\w+)=(?:\"([^\"]*)\"|(\\S+))$")
                    .matcher(Files.readString(dockerfile));
            while (m.find()) {
                String value = m.group(2) != null ? m.group(2) : m.group(3);
                if (!value.isBlank()) { // run-java.sh's ${VAR:-default}: an empty value takes the default too
                    env.put(m.group(1), value);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!env.containsKey("JAVA_OPTS_APPEND")) {
            throw new IllegalStateException(dockerfile + " sets no JAVA_OPTS_APPEND");
        }
        List<String> options = new ArrayList<>(
                Arrays.asList(env.getOrDefault("GC_CONTAINER_OPTIONS", "-XX:+UseParallelGC").trim().split("\\s+")));
        options.add("-XX:MinHeapFreeRatio=" + env.getOrDefault("GC_MIN_HEAP_FREE_RATIO", "10"));
        options.add("-XX:MaxHeapFreeRatio=" + env.getOrDefault("GC_MAX_HEAP_FREE_RATIO", "20"));
        options.add("-XX:GCTimeRatio=" + env.getOrDefault("GC_TIME_RATIO", "4"));
        options.add("-XX:AdaptiveSizePolicyWeight=" + env.getOrDefault("GC_ADAPTIVE_SIZE_POLICY_WEIGHT", "90"));
        options.add("-XX:+ExitOnOutOfMemoryError");
        Arrays.stream(env.get("JAVA_OPTS_APPEND").trim().split("\\s+")).filter(o -> o.startsWith("-XX:"))
                .forEach(options::add);
        return List.copyOf(options);
    }

    final BenchSettings settings = BenchSettings.fromSystemProperties();
    private final List<BenchProcess> running = new ArrayList<>();
    private final Path logs;
    private final String classpath = System.getProperty("java.class.path");
    private final Path jar;
    private final boolean rateLimitKnown;
    private KafkaProcess broker;
    private BenchKafka kafka;
    private BenchProcess simulator;
    private SimulatorAdmin sim;
    private int simPort;

    private BenchmarkHarness() throws IOException {
        logs = Files.createDirectories(Path.of(settings.buildDir(), "bench-logs"));
        jar = Path.of(settings.buildDir(), "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        // The worker built from this tree has the rate limiter; 0 (-Dbench.rate-limit=0) passes nothing.
        rateLimitKnown = true;
    }

    public static void main(String[] args) throws Exception {
        BenchmarkHarness harness = new BenchmarkHarness();
        Thread cleanup = new Thread(harness::stopAll, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit = 0;
        try {
            harness.run();
        } catch (Exception e) {
            System.err.println("[bench] FAILED: " + e);
            e.printStackTrace();
            exit = 1;
        } finally {
            harness.stopAll();
        }
        System.exit(exit);
    }

    private void run() throws Exception {
        Instant started = Instant.now();
        String loadAtStart = Machine.loadAverage();
        log("settings: " + settings);
        log("JVM options of the image, for the worker and both baselines: " + IMAGE_JVM_OPTIONS);
        log("rate limit key " + RATE_LIMIT_KEY + (rateLimitKnown ? " is known to this worker: "
                + settings.rateLimit() + " requests/s" : " is unknown to this worker: not passed"));
        broker = KafkaProcess.start(BenchKafka.PARTITIONS);
        BenchProcess.rememberPid(broker.pid());
        kafka = new BenchKafka(broker.bootstrap());
        startSimulator();

        // The broker and the simulator are fresh JVMs: whichever implementation ran first would pay for their JIT
        // compilation. A discarded worker run warms them first.
        boolean partsOnly = !settings.only().isEmpty() && List.of("freshness", "cold-start", "jit-steady", "takeover")
                .containsAll(settings.only());
        if (settings.systemWarmup() > 0 && !partsOnly) {
            log("warming the broker and the simulator with " + settings.systemWarmup() + " commands (not measured)");
            measure("worker", settings.inFlight(), settings.systemWarmup(), 0, "system-warmup");
        }
        Parts parts = new Parts(this, loadAtStart);
        List<String> partNames = List.of("freshness", "cold-start", "jit-steady", "takeover");
        if (!settings.only().isEmpty() && partNames.containsAll(settings.only())) {
            // The parts of docs/benchmarks.md that run on their own, each rewriting only its own section.
            for (String part : settings.only()) {
                switch (part) {
                    case "freshness" -> parts.freshness();
                    case "cold-start" -> parts.coldStart();
                    case "jit-steady" -> parts.jitSteady();
                    default -> parts.takeover();
                }
                log("wrote the " + part + " section of " + Path.of(settings.outputDir(), "benchmarks.md"));
            }
            return;
        }
        if (!settings.only().isEmpty()) { // a profiling aid: the named headline runs only, no report
            // An implementation may be named more than once (repeated runs to average): each run gets its own topics.
            int run = 0;
            for (String implementation : settings.only()) {
                if (implementation.equals("tracking")) {
                    measureTracking();
                } else {
                    measure(implementation, settings.inFlight(), settings.commands(), settings.warmup(), "only-" + ++run);
                }
            }
            return;
        }
        // The worker and the Parallel Consumer baseline take turns (worker first in odd rounds, second in even ones),
        // so that neither always meets a broker and simulator the other has just warmed or loaded.
        int rounds = settings.rounds();
        List<Measurement> workerRounds = new ArrayList<>();
        List<Measurement> pcRounds = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            log("headline round " + round + " of " + rounds);
            List<String> order = round % 2 == 1 ? List.of("worker", "parallel-consumer")
                    : List.of("parallel-consumer", "worker");
            for (String implementation : order) {
                Measurement m = measure(implementation, settings.inFlight(), settings.commands(), settings.warmup(),
                        rounds == 1 ? "" : "r" + round);
                (implementation.equals("worker") ? workerRounds : pcRounds).add(m);
            }
        }
        List<Measurement> main = new ArrayList<>();
        main.add(Measurement.pooled(workerRounds));
        main.add(Measurement.pooled(pcRounds));
        if (rounds > 1) {
            log(String.format("pooled over %d rounds: worker %.1f commands/s (%.3f CPU-s/1000), parallel-consumer "
                    + "%.1f commands/s (%.3f CPU-s/1000)", rounds, main.get(0).throughput(), main.get(0).cpuPer1000(),
                    main.get(1).throughput(), main.get(1).cpuPer1000()));
        }
        main.add(measure("naive", 1, settings.naiveCommands(), Math.max(1, settings.warmup() / 50)));

        Map<String, Map<Integer, Double>> sweep = new LinkedHashMap<>();
        for (String implementation : List.of("worker", "naive")) {
            Map<Integer, Double> points = new LinkedHashMap<>();
            for (int limit : settings.sweep()) {
                Measurement known = main.stream().filter(m -> m.implementation().equals(implementation)
                        && m.inFlight() == limit).findFirst().orElse(null);
                int commands = settings.sweepCommands(limit);
                points.put(limit, (known != null ? known
                        : measure(implementation, limit, commands, Math.min(settings.warmup(), commands / 4)))
                        .throughput());
            }
            sweep.put(implementation, points);
        }

        CallsPerRun calls = measureCallsPerRun();
        Tracking tracking = measureTracking();

        Report report = new Report(settings, main, sweep, calls, tracking, rateLimitKnown, started, Instant.now(),
                loadAtStart);
        System.out.println(report.table());
        report.write(Path.of(settings.outputDir()));
        log("wrote " + Path.of(settings.outputDir(), "benchmarks.md") + " and "
                + Path.of(settings.outputDir(), "benchmarks-throughput.png"));
    }

    /** Whether the worker's configuration knows {@code key}: SmallRye refuses unknown {@code worker.*} keys. */
    private void startSimulator() throws Exception {
        simPort = freePort();
        simulator = track(BenchProcess.start("simulator", List.of("-Xmx768m", JUL_MANAGER,
                "-Daihub.simulator.port=" + simPort,
                "-Daihub.simulator.token=" + API_TOKEN,
                "-Daihub.simulator.admin-token=" + ADMIN_TOKEN,
                "-Daihub.simulator.submit-latency=" + settings.submitLatency().toMillis() + "ms",
                // Ten-minute runs, time-compressed (see measureCallsPerRun); other phases do not poll or never end.
                "-Daihub.simulator.phase-duration=" + settings.compressedRun().toMillis() + "ms",
                "-Daihub.simulator.max-recorded-requests=0"),
                List.of("-jar", simulatorJar().toString()), logs));
        sim = new SimulatorAdmin(simPort, ADMIN_TOKEN);
        await("the simulator", Duration.ofSeconds(60), simulator, sim::answers);
    }

    /** The simulator's own runnable jar, built beside the worker by the bench profile's {@code package}. */
    private Path simulatorJar() throws IOException {
        Path home = Path.of(settings.buildDir(), "aihub-simulator");
        try (var files = Files.list(home)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-simulator.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no simulator jar in " + home));
        }
    }

    /** One implementation over fresh topics: produce, read back every submitted event, read the figures. */
    Measurement measure(String implementation, int inFlight, int commands) throws Exception {
        return measure(implementation, inFlight, commands, 0);
    }

    /**
     * As {@link #measure(String, int, int)}, after {@code warmup} commands whose events are awaited but not measured,
     * so that the figures are of a warmed-up JVM (JIT compilation would otherwise dominate short runs).
     */
    Measurement measure(String implementation, int inFlight, int commands, int warmup) throws Exception {
        return measure(implementation, inFlight, commands, warmup, "");
    }

    /** As above, on topics and a consumer group whose names carry {@code tag} (a round, or the system warm-up). */
    private Measurement measure(String implementation, int inFlight, int commands, int warmup, String tag)
            throws Exception {
        String phase = implementation + "-" + inFlight + (tag.isEmpty() ? "" : "-" + tag);
        BenchKafka.Topics topics = BenchKafka.Topics.of(phase);
        kafka.create(topics);
        sim.reset();
        String group = "bench-" + phase;
        int managementPort = freePort();
        BenchProcess process = startImplementation(implementation, inFlight, topics, group, managementPort,
                // Submission only, as the baselines do: no polls and no bulk refreshes of the runs piling up.
                Map.of("worker.tracking.poll-initial", settings.pollInitialDuringThroughput(),
                        "worker.tracking.bulk-interval", settings.pollInitialDuringThroughput()),
                "512m");
        try {
            kafka.awaitAssigned(group, process, Duration.ofSeconds(120));
            if (warmup > 0) {
                kafka.produceCommands(topics.commands(), "warmup", warmup, "bench-app");
                kafka.readEvents(topics.events(), "warmup", "aihub.run.submitted"::equals,
                        e -> e.submitted.size() >= warmup, process, Duration.ofSeconds(Math.max(90, warmup / 20)));
                sim.reset();
            }
            double gc0 = gcSeconds(implementation, managementPort);
            double cpu0 = process.cpuSeconds();
            double broker0 = BenchProcess.cpuSeconds(broker.pid());
            double sim0 = simulator.cpuSeconds();
            double harness0 = harnessCpu();
            double machine0 = Machine.busyCpuSeconds();
            long window0 = System.nanoTime();
            long first = kafka.produceCommands(topics.commands(), phase, commands, "bench-app");
            BenchKafka.Events events = kafka.readEvents(topics.events(), phase, "aihub.run.submitted"::equals,
                    e -> e.submitted.size() >= commands, process,
                    Duration.ofSeconds(Math.max(90, commands / 100)));
            double cpuWindow = (System.nanoTime() - window0) / 1e9;
            double cpu = process.cpuSeconds() - cpu0;
            double brokerCpu = BenchProcess.cpuSeconds(broker.pid()) - broker0;
            double simCpu = simulator.cpuSeconds() - sim0;
            double rss = process.peakRssMiB();
            double gc = gcSeconds(implementation, managementPort) - gc0;
            JsonNode stats = sim.stats();
            Map<String, Long> responses = sim.responseMicrosByCommand();
            double[] latencies = events.submitted.entrySet().stream()
                    .filter(e -> responses.containsKey(e.getKey()))
                    .mapToDouble(e -> e.getValue() - responses.get(e.getKey()) / 1000.0).sorted().toArray();
            double seconds = (events.lastSubmitted() - first) / 1000.0;
            Measurement m = new Measurement(implementation, inFlight, commands, events.submitted.size(), seconds,
                    percentile(latencies, 0.50), percentile(latencies, 0.99), cpu, rss,
                    stats.path("requests_per_run_created").asDouble(), stats.path("max_requests_in_1s").asInt(),
                    brokerCpu, simCpu, gc, harnessCpu() - harness0, Machine.busyCpuSeconds() - machine0, cpuWindow);
            log(String.format("%-18s in-flight %4d: %6d/%6d submitted in %6.2f s = %7.1f commands/s, CPU %.2f s "
                    + "(%.3f s/1000), latency p50 %.0f ms; broker %.1f s, simulator %.1f s, harness %.1f s, GC %.2f s, "
                    + "machine %.0f%% busy, %.2f AI Hub calls per run", implementation, inFlight, m.submitted(), commands,
                    seconds,
                    m.throughput(), cpu, m.cpuPer1000(), m.latencyP50Ms().orElse(Double.NaN), brokerCpu, simCpu,
                    m.harnessCpuSeconds(), gc, 100 * m.machineBusy(), m.callsPerRun()));
            if (m.submitted() < commands) {
                log("WARNING: only " + m.submitted() + " of " + commands + " submitted events arrived; see "
                        + process.log());
            }
            return m;
        } finally {
            stop(process);
        }
    }

    /** The time-compressed calls per ten-minute run figure. */
    record CallsPerRun(int runs, int compression, double requestsPerRun, double attributedMean, int attributedMax,
            int terminal, OptionalDouble workerCallsPerRun, OptionalDouble rateLimitWaitSeconds) {
    }

    /**
     * AI Hub calls for runs that last ten minutes, time-compressed: runs last {@code 10 min / k} and every poll
     * timing of the worker is divided by {@code k} ({@code bench.compression}), so the number of calls is that of a
     * ten-minute run at the default timings.
     */
    CallsPerRun measureCallsPerRun() throws Exception {
        int runs = settings.callRuns();
        int k = settings.compression();
        BenchKafka.Topics topics = BenchKafka.Topics.of("calls");
        kafka.create(topics);
        sim.reset();
        int managementPort = freePort();
        Map<String, String> timings = new LinkedHashMap<>();
        timings.put("worker.tracking.poll-initial", (2000 / k) + "ms");
        timings.put("worker.tracking.poll-max", (60_000 / k) + "ms");
        timings.put("worker.tracking.checkpoint-poll-interval", (300_000 / k) + "ms");
        timings.put("worker.tracking.bulk-interval", (15_000 / k) + "ms");
        BenchProcess process = startImplementation("worker", settings.inFlight(), topics, "bench-calls", managementPort,
                timings, "512m");
        try {
            kafka.awaitAssigned("bench-calls", process, Duration.ofSeconds(120));
            kafka.produceCommands(topics.commands(), "calls", runs, "bench-app");
            BenchKafka.Events events = kafka.readEvents(topics.events(), "calls", "aihub.run.completed"::equals,
                    e -> e.matching >= runs, process, settings.compressedRun().multipliedBy(3).plusSeconds(60));
            JsonNode stats = sim.stats();
            // The worker's own figures, where it publishes them (n/a otherwise).
            String metrics = get("http://127.0.0.1:" + managementPort + "/q/metrics");
            OptionalDouble sum = PrometheusText.sum(metrics, "aihub_calls_per_run_sum");
            OptionalDouble count = PrometheusText.sum(metrics, "aihub_calls_per_run_count");
            OptionalDouble workerCalls = sum.isPresent() && count.isPresent() && count.getAsDouble() > 0
                    ? OptionalDouble.of(sum.getAsDouble() / count.getAsDouble())
                    : OptionalDouble.empty();
            CallsPerRun calls = new CallsPerRun(runs, k, stats.path("requests_per_run_created").asDouble(),
                    stats.path("calls_per_run").path("mean").asDouble(),
                    stats.path("calls_per_run").path("max").asInt(), events.matching, workerCalls,
                    PrometheusText.sum(metrics, "aihub_rate_limit_wait_seconds_sum"));
            log(String.format("calls per ten-minute run (x%d compressed): %.2f requests per run, %d of %d completed",
                    k, calls.requestsPerRun(), events.matching, runs));
            return calls;
        } finally {
            stop(process);
        }
    }

    /** Submits {@code bench.tracked} runs that never end, tracks them, then reads heap after GC and poll lag. */
    Tracking measureTracking() throws Exception {
        int runs = settings.tracked();
        BenchKafka.Topics topics = BenchKafka.Topics.of("tracking");
        kafka.create(topics);
        sim.reset();
        int managementPort = freePort();
        BenchProcess process = startImplementation("worker", settings.inFlight(), topics, "bench-tracking", managementPort,
                Map.of(), "512m");
        try {
            kafka.awaitAssigned("bench-tracking", process, Duration.ofSeconds(120));
            long first = kafka.produceCommands(topics.commands(), "tracked", runs, "bench-forever");
            // Bounded: on a busy machine the submissions compete with the polls of the runs already submitted.
            BenchKafka.Events events = kafka.readEvents(topics.events(), "tracked", "aihub.run.submitted"::equals,
                    e -> e.submitted.size() >= runs, process, settings.trackingSubmitBudget());
            if (events.submitted.size() < runs) {
                log("WARNING: only " + events.submitted.size() + " of " + runs + " runs were submitted within "
                        + settings.trackingSubmitBudget().toSeconds() + " s; measuring those");
            }
            double submitSeconds = (events.lastSubmitted() - first) / 1000.0;
            log(String.format("tracking: %d of %d runs submitted in %.1f s; holding %d s", events.submitted.size(),
                    runs, submitSeconds, settings.trackingHold().toSeconds()));
            long requests0 = sim.stats().path("total_requests").asLong();
            double cpu0 = process.cpuSeconds();
            long held0 = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(settings.trackingHold().toMillis()); // the measured period itself
            process.requireAlive();
            double held = (System.nanoTime() - held0) / 1e9;
            JsonNode stats = sim.stats();
            double requestsPerSecond = (stats.path("total_requests").asLong() - requests0) / held;
            double cpuPerSecond = (process.cpuSeconds() - cpu0) / held;
            process.jcmd("GC.run");
            // The heap from jcmd, which answers even when the worker's HTTP server is too busy to.
            double heap = heapUsedMiB(process.jcmd("GC.heap_info"));
            String metrics;
            try {
                metrics = get("http://127.0.0.1:" + managementPort + "/q/metrics");
            } catch (IOException e) {
                log("WARNING: the worker's /q/metrics did not answer (" + e + "); its figures are n/a");
                metrics = "";
            }
            // From the histogram's buckets: the worker publishes no client-side quantiles.
            OptionalDouble lag = PrometheusText.quantile(metrics, "aihub_poll_schedule_lag_seconds", 0.99);
            Tracking tracking = new Tracking(runs, events.submitted.size(), submitSeconds, held, heap, 512, lag,
                    requestsPerSecond, stats.path("max_requests_in_1s").asInt(), cpuPerSecond, process.peakRssMiB(),
                    Files.readString(process.log()).contains("OutOfMemoryError"));
            log(String.format("tracking: heap after GC %.1f MiB, poll lag p99 %s, %.0f requests/s, worker CPU %.2f",
                    heap, lag.isPresent() ? lag.getAsDouble() + " s" : "n/a", requestsPerSecond, cpuPerSecond));
            return tracking;
        } finally {
            stop(process);
        }
    }

    private BenchProcess startImplementation(String implementation, int inFlight, BenchKafka.Topics topics,
            String group, int managementPort, Map<String, String> workerSettings, String heap) throws IOException {
        return launch(implementation, inFlight, topics, group, managementPort, workerSettings, heap, true,
                rateLimitKnown ? settings.rateLimit() : 0);
    }

    BenchProcess launch(String implementation, int inFlight, BenchKafka.Topics topics, String group,
            int managementPort, Map<String, String> workerSettings, String heap, boolean imageOptions, int rateLimit)
            throws IOException {
        return launch(implementation, inFlight, topics, group, managementPort, workerSettings, heap, imageOptions,
                rateLimit, List.of());
    }

    /**
     * Starts an implementation: with the image's JVM options or, {@code imageOptions} false, as a plain
     * {@code java -jar} (system properties only); {@code heap} null sets no -Xmx; {@code rateLimit} 0 leaves the
     * worker's default budget; {@code extra} JVM options come last (the last of a repeated option wins).
     */
    BenchProcess launch(String implementation, int inFlight, BenchKafka.Topics topics, String group,
            int managementPort, Map<String, String> workerSettings, String heap, boolean imageOptions, int rateLimit,
            List<String> extra) throws IOException {
        List<String> jvm = new ArrayList<>(imageOptions ? IMAGE_JVM_OPTIONS : List.of());
        jvm.addAll(settings.jvmArgs()); // e.g. a flight recording while profiling
        if (heap != null) {
            jvm.add("-Xmx" + heap);
        }
        jvm.addAll(List.of("-Dkafka.bootstrap.servers=" + kafka.bootstrap(),
                "-Daihub.api-root=http://127.0.0.1:" + simPort + "/api",
                "-Daihub.api-token=" + API_TOKEN,
                "-Daihub.ib-context=sim-org"));
        if (implementation.equals("parallel-consumer")) {
            jvm.addAll(List.of("-cp", classpath, JUL_MANAGER, "-Dbench.topic.commands=" + topics.commands(),
                    "-Dbench.topic.events=" + topics.events(), "-Dbench.group-id=" + group,
                    "-Dbench.max-in-flight=" + inFlight));
            jvm.addAll(extra);
            return track(BenchProcess.start(implementation + "-" + group.replace("bench-", ""), jvm,
                    List.of(ParallelConsumerBaseline.class.getName()), logs));
        }
        // Metrics are read from the management interface; the HTTP port only has to be free.
        jvm.addAll(List.of("-Dquarkus.management.port=" + managementPort, "-Dquarkus.http.port=" + freePort(),
                "-Dworker.topic.commands=" + topics.commands(), "-Dworker.topic.events=" + topics.events(),
                "-Dworker.topic.dead-letters=" + topics.deadLetters(), "-Dworker.topic.ledger=" + topics.ledger()));
        if (rateLimit > 0) {
            jvm.add("-D" + RATE_LIMIT_KEY + "=" + rateLimit);
        }
        if (implementation.equals("naive")) {
            jvm.addAll(List.of("-Dmp.messaging.incoming.commands.enabled=false",
                    "-Dmp.messaging.incoming.bench-naive.enabled=true",
                    "-Dmp.messaging.incoming.bench-naive.group.id=" + group,
                    "-Dsmallrye.messaging.worker.bench-naive.max-concurrency=" + inFlight));
        } else {
            jvm.add("-Dworker.group-id=" + group);
            jvm.add("-Dworker.max-in-flight=" + inFlight);
            workerSettings.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        }
        jvm.addAll(extra);
        // Run from the jar's directory, as the image does: the AppCDS archive Quarkus dumps at package time names
        // the class path relative to it (quarkus-run.jar, lib/boot/...), and the JVM ignores it from anywhere else.
        return track(BenchProcess.start(implementation + "-" + group.replace("bench-", "") + "-" + managementPort, jvm,
                List.of("-jar", jar.toString()), logs, jar.getParent()));
    }

    SimulatorAdmin sim() {
        return sim;
    }

    BenchKafka kafka() {
        return kafka;
    }

    String metrics(int managementPort) throws IOException, InterruptedException {
        return get("http://127.0.0.1:" + managementPort + "/q/metrics");
    }

    private BenchProcess track(BenchProcess process) {
        synchronized (running) {
            running.add(process);
        }
        return process;
    }

    void stop(BenchProcess process) {
        process.stop(20);
        synchronized (running) {
            running.remove(process);
        }
    }

    /** Stops every process this harness started and removes the broker's data; safe to call twice. */
    private void stopAll() {
        List<BenchProcess> all;
        synchronized (running) {
            all = new ArrayList<>(running);
            running.clear();
        }
        all.forEach(p -> p.stop(10));
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** GC pause seconds so far of a worker process (from its metrics); NaN for the Parallel Consumer baseline. */
    private static double gcSeconds(String implementation, int managementPort) {
        if (implementation.equals("parallel-consumer")) {
            return Double.NaN;
        }
        try {
            return PrometheusText.sum(get("http://127.0.0.1:" + managementPort + "/q/metrics"), "jvm_gc_pause_seconds_sum")
                    .orElse(Double.NaN);
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** CPU seconds of this harness (producing commands and reading events shares the cores too). */
    private static double harnessCpu() {
        return BenchProcess.cpuSeconds(ProcessHandle.current().pid());
    }

    static OptionalDouble percentile(double[] sorted, double quantile) {
        if (sorted.length == 0) {
            return OptionalDouble.empty();
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return OptionalDouble.of(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))]);
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static void await(String what, Duration timeout, BenchProcess process,
            BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            process.requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " was not ready within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(200); // another process's port: nothing to await on but polling
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void log(String line) {
        System.out.println("[bench] " + line);
    }

    static String join(int[] values) {
        return Arrays.toString(values);
    }
}
