package io.aihub.worker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java process the benchmark starts (the worker, a baseline, the simulator), with what the benchmark reads about it
 * from {@code /proc}: CPU seconds (user + system) and peak resident memory ({@code VmHWM}). Output goes to a log file.
 */
final class BenchProcess implements AutoCloseable {

    /** Clock ticks per second of {@code /proc/<pid>/stat} times; 100 on Linux for as long as it has mattered. */
    private static final double CLOCK_TICKS = 100.0;

    private final String name;
    private final Process process;
    private final Path log;

    private BenchProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java <jvmArgs> <mainOrJar...>} with the harness's own JDK; output to {@code logDir/name.log}. */
    static BenchProcess start(String name, List<String> jvmArgs, List<String> main, Path logDir) throws IOException {
        return start(name, jvmArgs, main, logDir, null);
    }

    /** As {@link #start(String, List, List, Path)}, in {@code workDir} (null: the harness's own). */
    static BenchProcess start(String name, List<String> jvmArgs, List<String> main, Path logDir, Path workDir)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(main);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toAbsolutePath().toFile());
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process process = builder.start();
        rememberPid(process.pid());
        return new BenchProcess(name, process, log);
    }

    /**
     * Appends {@code pid} to {@code bench.pids-file}, so that {@code deploy/bench/run.sh} can stop what survived a
     * harness killed too hard to run its shutdown hook.
     */
    static void rememberPid(long pid) {
        String file = System.getProperty("bench.pids-file");
        if (file == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), pid + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Fails with the log's location when the process has died. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    /** User + system CPU seconds the process has used so far. */
    double cpuSeconds() {
        return cpuSeconds(pid());
    }

    /** Peak resident set size in MiB ({@code VmHWM}). */
    double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / CLOCK_TICKS;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** Runs {@code jcmd <pid> <command>} and returns its output. */
    String jcmd(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid())));
        args.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** SIGKILL at once (the take-over part's crash). */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL after {@code graceSeconds}. */
    void stop(int graceSeconds) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(15);
    }
}
