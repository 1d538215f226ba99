package io.aihub.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.aihub.worker.command.CommandRecord;
import io.aihub.worker.flow.InFlightWindow;
import io.aihub.worker.ledger.Lease;
import io.aihub.worker.ledger.PartitionOwnership;
import io.smallrye.mutiny.Uni;

/**
 * The records held while a partition's ledger is restored, driven by hand. The chaos suite's stall: a restore that
 * took 7 s held hundreds of records; when it completed, each record admitted at once recursively drained the next one
 * on the same stack, the stack overflowed at the 351st record, the error was swallowed by Mutiny (an emitter
 * completed already) and by the restore's future, and the rest of the partition stayed held forever.
 */
class HeldRecordsTest {

    private static final int PARTITION = 5;

    /** Pauses and resumes recorded, no consumer. */
    static final class RecordedPauses extends PartitionPauses {
        final List<String> calls = new ArrayList<>();

        RecordedPauses() {
            super(null, null);
        }

        @Override
        public synchronized void pause(int partition, Reason reason) {
            calls.add("pause " + partition + " " + reason);
        }

        @Override
        public synchronized void resume(int partition, Reason reason) {
            calls.add("resume " + partition + " " + reason);
        }
    }

    private static HeldRecords.Held held(Lease lease, long offset) {
        CommandRecord record = new CommandRecord("commands", PARTITION, offset, null, new byte[0],
                new RecordHeaders());
        return new HeldRecords.Held(Message.of(new byte[0]), record, lease);
    }

    /** Runs {@code task} on a thread with a small stack, as deep recursion fails the same way on any stack. */
    private static void onSmallStack(Runnable task) throws InterruptedException {
        AtomicReference<Throwable> escaped = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                task.run();
            } catch (Throwable t) {
                escaped.set(t);
            }
        }, "small-stack", 512 * 1024);
        thread.start();
        thread.join();
        assertThat(escaped.get()).as("nothing escapes the restore's completion").isNull();
    }

    /** The event loop's later turns, run by hand: each task on a fresh stack, one after another. */
    static final class EventLoop {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        int turns;

        synchronized void later(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = next()) != null) {
                turns++;
                task.run();
            }
        }

        private synchronized Runnable next() {
            return tasks.poll();
        }
    }

    @Test
    void the_restores_completion_takes_no_record_in_and_each_turn_of_the_event_loop_takes_a_few() {
        PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(2));
        ownership.assigned(List.of(PARTITION));
        Lease lease = ownership.lease(PARTITION).orElseThrow();
        List<Long> taken = new ArrayList<>();
        EventLoop loop = new EventLoop();
        HeldRecords held = new HeldRecords(new RecordedPauses(), (h, valid) -> Uni.createFrom().voidItem()
                .invoke(() -> taken.add(h.record().offset())), loop::later);
        for (long offset = 0; offset < 100; offset++) {
            held.hold(held(lease, offset));
        }

        ownership.restored(lease);
        assertThat(taken).isEmpty();

        loop.runAll();
        assertThat(taken).hasSize(100);
        assertThat(loop.turns).isEqualTo(1 + 100 / HeldRecords.BATCH);
    }

    @Test
    void a_record_intake_takes_later_continues_the_drain_from_its_callback_and_records_arriving_meanwhile_wait()
            throws Exception {
        PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(2));
        ownership.assigned(List.of(PARTITION));
        Lease lease = ownership.lease(PARTITION).orElseThrow();
        InFlightWindow accepted = new InFlightWindow(2);
        List<Long> taken = new ArrayList<>();
        EventLoop loop = new EventLoop();
        RecordedPauses pauses = new RecordedPauses();
        HeldRecords held = new HeldRecords(pauses, (h, valid) -> accepted.admit().invoke(() -> taken.add(h.record()
                .offset())), loop::later);
        for (long offset = 0; offset < 5; offset++) {
            held.hold(held(lease, offset));
        }
        ownership.restored(lease);
        loop.runAll();
        assertThat(taken).containsExactly(0L, 1L);
        assertThat(held.hold(held(lease, 5))).as("behind the records still held").isTrue();
        assertThat(held.stalled(System.nanoTime(), 0)).singleElement().asString()
                .startsWith("partition 5: 3 held, the oldest at offset 3");

        Thread releasing = new Thread(() -> {
            for (int i = 0; i < 6; i++) {
                accepted.release();
            }
        });
        releasing.start();
        releasing.join();
        loop.runAll();

        assertThat(taken).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(held.size()).isZero();
        assertThat(held.stalled(System.nanoTime(), 0)).isEmpty();
        assertThat(held.hold(held(lease, 6))).as("nothing held any more: taken in directly").isFalse();
        assertThat(pauses.calls).containsExactly("resume 5 RESTORE");
    }

    @Test
    void thousands_of_records_held_during_a_restore_all_reach_intake_in_order_once_it_completes() throws Exception {
        PartitionOwnership ownership = new PartitionOwnership(Duration.ofSeconds(2));
        ownership.assigned(List.of(PARTITION));
        Lease lease = ownership.lease(PARTITION).orElseThrow();
        RecordedPauses pauses = new RecordedPauses();
        // As CommandConsumer.accept: intake completes once the record has a place among the accepted, here at once.
        InFlightWindow accepted = new InFlightWindow(1_000_000);
        List<Long> taken = new ArrayList<>();
        EventLoop loop = new EventLoop();
        HeldRecords held = new HeldRecords(pauses, (h, valid) -> accepted.admit().invoke(() -> taken.add(h.record()
                .offset())), loop::later);
        int records = 20_000;
        for (long offset = 0; offset < records; offset++) {
            assertThat(held.hold(held(lease, offset))).isTrue();
        }

        onSmallStack(() -> {
            ownership.restored(lease);
            loop.runAll();
        });

        assertThat(taken).hasSize(records);
        assertThat(taken).isSorted();
        assertThat(held.size()).isZero();
        assertThat(pauses.calls).containsExactly("pause 5 RESTORE", "resume 5 RESTORE");
    }
}
