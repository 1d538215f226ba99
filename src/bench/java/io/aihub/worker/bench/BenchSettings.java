package io.aihub.worker.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark's settings, from {@code bench.*} system properties (defaults are the full-size run).
 *
 * @param commands commands per worker and Parallel Consumer run ({@code bench.commands}, 20,000)
 * @param naiveCommands commands of the naive run at one in flight ({@code bench.naive-commands}, 300)
 * @param inFlight in-flight limit of the headline runs ({@code bench.in-flight}, 256)
 * @param sweep in-flight limits of the chart ({@code bench.sweep}, 1,8,64,256,1024)
 * @param sweepSeconds the length a sweep point aims at at 50 ms per submission ({@code bench.sweep-seconds}, 5)
 * @param sweepMax most commands of one sweep point ({@code bench.sweep-max}, 6,000)
 * @param tracked runs kept going for the tracking-scale figure ({@code bench.tracked}, 100,000)
 * @param trackingHold how long they are tracked before the measurement ({@code bench.tracking-hold}, 60 s)
 * @param callRuns runs of the calls-per-run figure ({@code bench.call-runs}, 200)
 * @param compression time compression of that figure ({@code bench.compression}, 20)
 * @param submitLatency the simulator's latency per submission ({@code bench.submit-latency}, 50 ms)
 * @param rateLimit passed as {@code worker.rate-limit.requests-per-second} when the worker knows it
 *        ({@code bench.rate-limit}, 5,000; 0 passes nothing)
 * @param pollInitialDuringThroughput the worker's first poll in the throughput runs, so that they measure
 *        submission only, as the baselines do ({@code bench.poll-initial}, 10m)
 * @param buildDir the bench build's directory ({@code bench.build-dir}, target/bench)
 * @param outputDir where benchmarks.md and the chart go ({@code bench.output-dir}, docs)
 * @param command the command line recorded in the report ({@code bench.command})
 * @param trackingSubmitBudget longest wait for the tracked runs' submissions ({@code bench.tracking-budget}, 300 s)
 * @param warmup unmeasured commands before each headline run ({@code bench.warmup}, 1,000; the naive run gets a
 *        fiftieth of it)
 * @param systemWarmup commands of the discarded worker run that warms the broker and the simulator first
 *        ({@code bench.system-warmup}, 60,000; 0 skips it)
 * @param rounds headline rounds of the worker and the Parallel Consumer baseline, taking turns going first
 *        ({@code bench.rounds}, 2)
 * @param only for profiling: only these headline runs (a name may repeat; "tracking" is the tracking-scale run), and no report
 *        ({@code bench.only}, comma-separated; empty)
 * @param jvmArgs JVM options added to each implementation's, after the image's ({@code bench.jvm-args}; none)
 * @param commit the commit measured, as {@code git describe --always --dirty} ({@code bench.commit}, from run.sh)
 * @param repeats runs per figure of the parts (freshness, cold-start, jit-steady, takeover); the report gives the
 *        median and the range ({@code bench.repeats}, 3)
 * @param freshnessRuns tracked-run counts of the freshness part ({@code bench.freshness-runs}, 1000,10000,100000)
 * @param freshnessCompression time compression of the 1–60 minute runs ({@code bench.freshness-compression}, 20)
 * @param freshnessEnding share of the tracked runs that change status in the measured window
 *        ({@code bench.freshness-ending}, 0.2)
 * @param freshnessBacklog commands produced as a backlog during the window ({@code bench.freshness-backlog}, 2000)
 * @param freshnessLoadRate submissions per second the loader is assumed to reach ({@code bench.freshness-load-rate},
 *        600), which places the window after the hand-over
 * @param coldCommands commands of a cold-start run ({@code bench.cold-commands}, 20000)
 * @param jitMinutes minutes of each jit-steady run ({@code bench.jit-minutes}, 10)
 * @param jitRate commands per second offered in a jit-steady run ({@code bench.jit-rate}, 800)
 * @param takeoverRuns runs the two replicas of the takeover part track ({@code bench.takeover-runs}, 20000: about
 *        10,000 each)
 */
record BenchSettings(int commands, int naiveCommands, int inFlight, int[] sweep, int sweepSeconds, int sweepMax,
        int tracked, Duration trackingHold, int callRuns, int compression, Duration submitLatency, int rateLimit,
        String pollInitialDuringThroughput, String buildDir, String outputDir, String command, int warmup,
        Duration trackingSubmitBudget, int systemWarmup, int rounds, List<String> only,
        List<String> jvmArgs, String commit, int repeats, int[] freshnessRuns, int freshnessCompression,
        double freshnessEnding, int freshnessBacklog, int freshnessLoadRate, int coldCommands, int jitMinutes,
        int jitRate, int takeoverRuns) {

    static BenchSettings fromSystemProperties() {
        return new BenchSettings(Integer.getInteger("bench.commands", 20_000),
                Integer.getInteger("bench.naive-commands", 300),
                Integer.getInteger("bench.in-flight", 256),
                Arrays.stream(System.getProperty("bench.sweep", "1,8,64,256,1024").split(","))
                        .mapToInt(s -> Integer.parseInt(s.trim())).toArray(),
                Integer.getInteger("bench.sweep-seconds", 5),
                Integer.getInteger("bench.sweep-max", 6_000),
                Integer.getInteger("bench.tracked", 100_000),
                Duration.ofSeconds(Integer.getInteger("bench.tracking-hold", 60)),
                Integer.getInteger("bench.call-runs", 200),
                Integer.getInteger("bench.compression", 20),
                Duration.ofMillis(Integer.getInteger("bench.submit-latency", 50)),
                Integer.getInteger("bench.rate-limit", 5_000),
                System.getProperty("bench.poll-initial", "10m"),
                System.getProperty("bench.build-dir", "target/bench"),
                System.getProperty("bench.output-dir", "docs"),
                System.getProperty("bench.command", "deploy/bench/run.sh"),
                Integer.getInteger("bench.warmup", 1_000),
                Duration.ofSeconds(Integer.getInteger("bench.tracking-budget", 300)),
                Integer.getInteger("bench.system-warmup", 60_000),
                Math.max(1, Integer.getInteger("bench.rounds", 2)),
                words(System.getProperty("bench.only", ""), ","),
                words(System.getProperty("bench.jvm-args", ""), "\\s+"),
                System.getProperty("bench.commit", "unknown"),
                Math.max(1, Integer.getInteger("bench.repeats", 3)),
                Arrays.stream(System.getProperty("bench.freshness-runs", "1000,10000,100000").split(","))
                        .mapToInt(v -> Integer.parseInt(v.trim())).toArray(),
                Integer.getInteger("bench.freshness-compression", 20),
                Double.parseDouble(System.getProperty("bench.freshness-ending", "0.2")),
                Integer.getInteger("bench.freshness-backlog", 2000),
                Integer.getInteger("bench.freshness-load-rate", 600),
                Integer.getInteger("bench.cold-commands", 20_000),
                Integer.getInteger("bench.jit-minutes", 10),
                Integer.getInteger("bench.jit-rate", 800),
                Integer.getInteger("bench.takeover-runs", 20_000));
    }

    private static List<String> words(String value, String separator) {
        return value.isBlank() ? List.of()
                : Arrays.stream(value.trim().split(separator)).map(String::trim).toList();
    }

    /** Commands of one sweep point: about {@link #sweepSeconds} at the ideal rate of {@code limit} / latency. */
    int sweepCommands(int limit) {
        double ideal = limit * 1000.0 / Math.max(1, submitLatency.toMillis());
        return (int) Math.max(100, Math.min(sweepMax, ideal * sweepSeconds));
    }

    /** A ten-minute run after time compression. */
    Duration compressedRun() {
        return Duration.ofMinutes(10).dividedBy(compression);
    }

    @Override
    public String toString() {
        return "commands=" + commands + " naive-commands=" + naiveCommands + " in-flight=" + inFlight + " sweep="
                + Arrays.toString(sweep) + " sweep-seconds=" + sweepSeconds + " sweep-max=" + sweepMax + " tracked="
                + tracked + " tracking-hold=" + trackingHold.toSeconds() + "s call-runs=" + callRuns + " compression="
                + compression + " submit-latency=" + submitLatency.toMillis() + "ms rate-limit=" + rateLimit
                + " poll-initial=" + pollInitialDuringThroughput + " warmup=" + warmup
                + " tracking-budget=" + trackingSubmitBudget.toSeconds() + "s system-warmup=" + systemWarmup
                + " rounds=" + rounds + (only.isEmpty() ? "" : " only=" + String.join(",", only))
                + (jvmArgs.isEmpty() ? "" : " jvm-args=" + String.join(" ", jvmArgs));
    }
}
