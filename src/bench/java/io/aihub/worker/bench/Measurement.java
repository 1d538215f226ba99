package io.aihub.worker.bench;

import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The figures of one implementation's run over fresh topics.
 *
 * @param implementation {@code worker}, {@code naive} or {@code parallel-consumer}
 * @param inFlight its in-flight limit
 * @param commands commands produced
 * @param submitted {@code submitted} events read back
 * @param seconds from the first command produced to the last {@code submitted} event (its record timestamp)
 * @param latencyP50Ms submitted-event timestamp minus the simulator's response time, median
 * @param latencyP99Ms the same, 99th percentile
 * @param cpuSeconds CPU seconds of the implementation's process over the window
 * @param peakRssMiB its peak resident set size ({@code VmHWM})
 * @param callsPerRun AI Hub requests over the window divided by runs created
 * @param maxRequestsIn1s the busiest sliding second the simulator saw
 * @param brokerCpuSeconds the broker's CPU seconds over the window
 * @param simulatorCpuSeconds the simulator's CPU seconds over the window
 * @param gcSeconds GC pause seconds of the implementation over the window (NaN where it has no metrics)
 * @param harnessCpuSeconds the harness's own CPU seconds over the window (producing and reading back)
 * @param machineCpuSeconds non-idle CPU seconds of the whole machine over the window, other users' processes included
 * @param cpuWindowSeconds wall time between the CPU readings (from just before producing to the last event read)
 */
record Measurement(String implementation, int inFlight, int commands, int submitted, double seconds,
        OptionalDouble latencyP50Ms, OptionalDouble latencyP99Ms, double cpuSeconds, double peakRssMiB,
        double callsPerRun, int maxRequestsIn1s, double brokerCpuSeconds, double simulatorCpuSeconds,
        double gcSeconds, double harnessCpuSeconds, double machineCpuSeconds, double cpuWindowSeconds) {

    /**
     * Several rounds of one implementation as one: commands, seconds and CPU summed (so throughput and CPU per 1,000
     * are over all rounds), latencies averaged, peaks the highest.
     */
    static Measurement pooled(List<Measurement> rounds) {
        if (rounds.size() == 1) {
            return rounds.get(0);
        }
        Measurement first = rounds.get(0);
        return new Measurement(first.implementation(), first.inFlight(),
                rounds.stream().mapToInt(Measurement::commands).sum(),
                rounds.stream().mapToInt(Measurement::submitted).sum(),
                rounds.stream().mapToDouble(Measurement::seconds).sum(),
                mean(rounds, Measurement::latencyP50Ms), mean(rounds, Measurement::latencyP99Ms),
                rounds.stream().mapToDouble(Measurement::cpuSeconds).sum(),
                rounds.stream().mapToDouble(Measurement::peakRssMiB).max().orElse(Double.NaN),
                rounds.stream().mapToDouble(m -> m.callsPerRun() * m.submitted()).sum()
                        / Math.max(1, rounds.stream().mapToInt(Measurement::submitted).sum()),
                rounds.stream().mapToInt(Measurement::maxRequestsIn1s).max().orElse(0),
                rounds.stream().mapToDouble(Measurement::brokerCpuSeconds).sum(),
                rounds.stream().mapToDouble(Measurement::simulatorCpuSeconds).sum(),
                rounds.stream().mapToDouble(Measurement::gcSeconds).sum(),
                rounds.stream().mapToDouble(Measurement::harnessCpuSeconds).sum(),
                rounds.stream().mapToDouble(Measurement::machineCpuSeconds).sum(),
                rounds.stream().mapToDouble(Measurement::cpuWindowSeconds).sum());
    }

    private static OptionalDouble mean(List<Measurement> rounds,
            Function<Measurement, OptionalDouble> figure) {
        return rounds.stream().map(figure).filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble)
                .average();
    }

    /** Commands per second: all commands over the window, so runs of different sizes compare. */
    double throughput() {
        return seconds <= 0 ? 0 : submitted / seconds;
    }

    /** Share of the machine's cores busy over the window, whoever used them (1.0 = all cores busy). */
    double machineBusy() {
        return cpuWindowSeconds <= 0 ? Double.NaN
                : machineCpuSeconds / (cpuWindowSeconds * Runtime.getRuntime().availableProcessors());
    }

    /** CPU seconds over the window of processes outside the benchmark (other users of the machine). */
    double otherCpuSeconds() {
        return Math.max(0, machineCpuSeconds - cpuSeconds - brokerCpuSeconds - simulatorCpuSeconds - harnessCpuSeconds);
    }

    /** CPU seconds of the implementation per 1,000 commands submitted. */
    double cpuPer1000() {
        return submitted == 0 ? Double.NaN : cpuSeconds * 1000.0 / submitted;
    }
}
