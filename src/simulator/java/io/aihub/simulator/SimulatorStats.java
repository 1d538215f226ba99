package io.aihub.simulator;

import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The figures a benchmark reads from the simulator ({@code GET /_sim/stats}, {@code GET /_sim/runs/created}): request
 * counts by route, the busiest second, runs created, and how many API calls named each run. Computed on request from
 * counters the simulator keeps anyway, so they cost nothing while the benchmark runs.
 */
final class SimulatorStats {
    private static final int LINES_PER_CHUNK = 2_000;

    private SimulatorStats() {
    }

    /**
     * {@code total_requests}, {@code requests} by route, {@code max_requests_in_1s} (any sliding second, with the
     * arrival time that closed it), {@code runs_created}, {@code requests_per_run_created} (every API call, List runs
     * included, over the runs created) and {@code calls_per_run} (calls whose path or tag named an existing run:
     * count, mean, p50, p99, max).
     */
    static ObjectNode stats(RunStore store, RequestRecorder recorder) {
        ObjectNode body = SimJson.object();
        long total = recorder.total();
        body.put("total_requests", total);
        ObjectNode byRoute = body.putObject("requests");
        recorder.countsByRoute().forEach(byRoute::put);
        RateWindow rate = recorder.rate();
        body.put("max_requests_in_1s", rate.max());
        long end = rate.maxWindowEndNanos();
        body.put("max_window_end", end == 0 ? null : Instant.ofEpochSecond(0, end).toString());
        body.put("max_requests_in_1s_is_lower_bound", rate.saturated());
        long created = store.runsCreated();
        body.put("runs_created", created);
        body.put("requests_per_run_created", created == 0 ? 0.0 : (double) total / created);
        int[] calls = store.all().mapToInt(SimulatedRun::calls).toArray();
        Arrays.sort(calls);
        ObjectNode perRun = body.putObject("calls_per_run");
        perRun.put("runs", calls.length);
        perRun.put("mean", calls.length == 0 ? 0.0 : Arrays.stream(calls).average().orElse(0));
        perRun.put("p50", percentile(calls, 0.50));
        perRun.put("p99", percentile(calls, 0.99));
        perRun.put("max", calls.length == 0 ? 0 : calls[calls.length - 1]);
        return body;
    }

    /**
     * Streams {@code command_id,run_id,response_epoch_micros} lines (CSV with a header) for every existing run that
     * carries the worker's tag; the response time is the run's creation, which is when the submission was answered.
     */
    static void writeCreatedRuns(RunStore store, HttpServerResponse response) {
        writeTaggedRuns(store, response, "command_id,run_id,response_epoch_micros",
                (run, line) -> line.append(run.startNanos / 1_000));
    }

    /**
     * CSV {@code command_id,run_id,status,last_seen_epoch_millis} of every tagged run: when a worker last learnt its
     * status (creation, status, results, a List runs page), so a test can tell how long a run went unfollowed after
     * a replica died.
     */
    static void writeObservedRuns(RunStore store, HttpServerResponse response) {
        writeTaggedRuns(store, response, "command_id,run_id,status,last_seen_epoch_millis",
                (run, line) -> line.append(store.view(run).status()).append(',').append(run.lastSeenMillis()));
    }

    /** One CSV line per tagged run, {@code command_id,run_id,} then its own columns, written in chunks. */
    private static void writeTaggedRuns(RunStore store, HttpServerResponse response, String header,
            BiConsumer<SimulatedRun, StringBuilder> columns) {
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/csv");
        Iterator<SimulatedRun> runs = store.all().iterator();
        StringBuilder chunk = new StringBuilder(header).append('\n');
        int lines = 0;
        while (runs.hasNext()) {
            SimulatedRun run = runs.next();
            if (run.commandId().isEmpty()) {
                continue;
            }
            chunk.append(run.commandId().get()).append(',').append(run.id).append(',');
            columns.accept(run, chunk);
            chunk.append('\n');
            if (++lines % LINES_PER_CHUNK == 0) {
                response.write(Buffer.buffer(chunk.toString()));
                chunk.setLength(0);
            }
        }
        response.end(Buffer.buffer(chunk.toString()));
    }

    /** Nearest-rank percentile of sorted values; 0 when there are none. */
    static int percentile(int[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
