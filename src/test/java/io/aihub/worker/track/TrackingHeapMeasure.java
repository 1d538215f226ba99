package io.aihub.worker.track;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.CommandSecrets;
import io.aihub.worker.command.Input;
import io.aihub.worker.command.ResultsRequest;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerRecords;
import io.aihub.worker.ledger.LedgerView;
import io.aihub.worker.ledger.PartitionOwnership;
import io.vertx.core.Vertx;

/**
 * Measures the heap that tracking costs per run: builds {@code n} (default 100,000) tracked runs as
 * {@link RunTracker} holds them — a {@link TrackedRun} with its command (settings dropped, two metadata entries), an
 * ownership test, an entry in a concurrent map and one pending Vert.x timer each — forces a GC and prints the heap
 * used before and after. With a second argument {@code view}, the same runs are the ledger view's entries a restore
 * makes for followed runs; with {@code parked}, its compact entries and {@link ParkedRuns}'s for runs waiting for
 * room. Not a unit test (no assertion on a number that depends
 * on the JVM); run it with
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.aihub.worker.track.TrackingHeapMeasure}
 * (see docs/polling.md).
 */
public final class TrackingHeapMeasure {

    private TrackingHeapMeasure() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        if (args.length > 1) {
            measureRestored(n, args[1].equals("parked"));
            return;
        }
        Vertx vertx = Vertx.vertx();
        long before = usedAfterGc();
        Map<String, TrackedRun> runs = new ConcurrentHashMap<>();
        PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(5));
        ownership.assigned(List.of(0, 1, 2, 3));
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            String commandId = "order-" + UUID.randomUUID();
            int partition = i % 4;
            Lease lease = ownership.lease(partition).orElseThrow();
            RunCommand command = command(commandId, i);
            TrackedRun run = new TrackedRun(lease, command, "sha256-" + Integer.toHexString(i),
                    UUID.randomUUID().toString(), "RUNNING", 1, 1, now, now, 2000);
            run.timerId = vertx.setTimer(600_000 + i, id -> run.stopped = true);
            run.endStep();
            runs.put(commandId, run);
        }
        long after = usedAfterGc();
        long perRun = (after - before) / n;
        System.out.printf("[tracking-heap] runs=%d heap-before=%d MiB heap-after=%d MiB used-by-runs=%d MiB per-run=%d bytes"
                + " max-heap=%d MiB%n", runs.size(), before >> 20, after >> 20, (after - before) >> 20, perRun,
                Runtime.getRuntime().maxMemory() >> 20);
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static RunCommand command(String commandId, int i) {
        return new RunCommand(commandId, new Target.AppByName("invoice-extraction", Optional.empty()),
                new Input.Batch(1000L + i), Optional.empty(), Optional.of("service-workspace"), Optional.empty(),
                Optional.empty(), "org-12345", Map.of("customer", "c-" + (i % 1000), "trace", "t-" + i),
                ResultsRequest.NONE, CommandSecrets.NONE);
    }

    /**
     * The same runs as records a restore read from the ledger (parsed, so nothing is shared), in the view as followed
     * runs or, {@code parked}, waiting for room.
     */
    private static void measureRestored(int n, boolean parkedOnly) throws Exception {
        ObjectMapper mapper = new ObjectMapper().registerModule(new Jdk8Module());
        PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(5));
        ownership.assigned(List.of(0, 1, 2, 3));
        LedgerView view = new LedgerView(ownership);
        ParkedRuns parked = new ParkedRuns(0);
        long now = System.currentTimeMillis();
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            String commandId = "order-" + UUID.randomUUID();
            RunCommand command = command(commandId, i);
            Run run = new Run(UUID.randomUUID().toString(), "RUNNING", now, null, null, 1000L + i, null, null, null,
                    List.of());
            StatusEvent event = EventFactory.forRun(command, 2, EventType.RUNNING, run, Optional.of("PENDING"), 1,
                    Instant.ofEpochMilli(now));
            LedgerRecord record = LedgerRecords.ofRun(command, "sha256-" + Integer.toHexString(i),
                    LedgerRecord.State.TRACKING, "RUNNING", run.id(), event, 1, now, now, now);
            LedgerRecord restored = mapper.readValue(mapper.writeValueAsBytes(record), LedgerRecord.class);
            Lease lease = ownership.lease(i % 4).orElseThrow();
            if (parkedOnly) {
                parked.admit(lease, List.of(restored), 0);
                view.restored(lease, Map.of(commandId, restored), Set.of(commandId));
            } else {
                view.restored(lease, Map.of(commandId, restored));
            }
        }
        long after = usedAfterGc();
        System.out.printf(
                "[" + (parkedOnly ? "parked" : "view")
                        + "-heap] runs=%d heap-before=%d MiB heap-after=%d MiB used-by-runs=%d MiB per-run=%d bytes"
                        + " max-heap=%d MiB%n",
                view.size(), before >> 20, after >> 20, (after - before) >> 20,
                (after - before) / n, Runtime.getRuntime().maxMemory() >> 20);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
