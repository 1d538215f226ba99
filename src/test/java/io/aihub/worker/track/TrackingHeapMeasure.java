package io.aihub.worker.track;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.aihub.worker.command.CommandSecrets;
import io.aihub.worker.command.Input;
import io.aihub.worker.command.ResultsRequest;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.PartitionOwnership;
import io.vertx.core.Vertx;

/**
 * Measures the heap that tracking costs per run: builds {@code n} (default 100,000) tracked runs as
 * {@link RunTracker} holds them — a {@link TrackedRun} with its command (settings dropped, two metadata entries), an
 * ownership test, an entry in a concurrent map and one pending Vert.x timer each — forces a GC and prints the heap
 * used before and after. Not a unit test (no assertion on a number that depends on the JVM); run it with
 * {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.aihub.worker.track.TrackingHeapMeasure}
 * (see docs/polling.md).
 */
public final class TrackingHeapMeasure {

    private TrackingHeapMeasure() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
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
            RunCommand command = new RunCommand(commandId, new Target.AppByName("invoice-extraction", Optional.empty()),
                    new Input.Batch(1000L + i), Optional.empty(), Optional.of("service-workspace"), Optional.empty(),
                    Optional.empty(), "org-12345", Map.of("customer", "c-" + (i % 1000), "trace", "t-" + i),
                    ResultsRequest.NONE, CommandSecrets.NONE);
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

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
