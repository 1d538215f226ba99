package io.aihub.worker.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.PartitionOwnership;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.vertx.core.Vertx;

/**
 * The fresh-membership check of design.md ("Zombies"): a clock of this replica's own ticks a few times per
 * {@code worker.fencing.max-pause}; a longer gap means the JVM was paused (a long GC, SIGSTOP), perhaps past the
 * session timeout, and the group may have moved this replica's partitions meanwhile. Then every lease waits
 * (no POST, write, event or ack) until a commit of the already committed offsets succeeds in this replica's
 * generation, which the broker refuses from a member it fenced; a fenced member learns it from its next poll and
 * its partitions are revoked or lost. Chosen over a transactional producer bound to the group generation because
 * no Kafka transaction fences an HTTP POST, and the check costs a volatile read per action.
 */
@ApplicationScoped
public class MembershipWatch {

    private static final Logger LOG = Logger.getLogger(MembershipWatch.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final long PROBE_RETRY_MS = 1_000;

    private final Vertx vertx;
    private final PartitionOwnership ownership;
    private final LostPartitions lost;
    private final KafkaClientService kafka;
    private final long maxPauseNanos;
    private final long tickMs;
    private volatile long lastTickNanos = System.nanoTime();
    private volatile int generation = -1;
    private volatile boolean probing;
    private long timerId = -1;

    @Inject
    public MembershipWatch(Vertx vertx, PartitionOwnership ownership, LostPartitions lost, KafkaClientService kafka,
            WorkerConfig config) {
        this.vertx = vertx;
        this.ownership = ownership;
        this.lost = lost;
        this.kafka = kafka;
        this.maxPauseNanos = config.fencing().maxPause().toNanos();
        this.tickMs = Math.max(50, config.fencing().maxPause().toMillis() / 20);
    }

    void start(@Observes StartupEvent event) {
        lastTickNanos = System.nanoTime();
        ownership.heartbeat(lastTickNanos);
        timerId = vertx.setPeriodic(tickMs, id -> tick());
    }

    private void tick() {
        long now = System.nanoTime();
        long gap = now - lastTickNanos;
        lastTickNanos = now;
        if (gap >= maxPauseNanos) {
            LOG.warnf("this replica was paused for %d ms (worker.fencing.max-pause %d ms): nothing is posted, "
                    + "written or acknowledged until the group confirms its membership", gap / 1_000_000,
                    maxPauseNanos / 1_000_000);
            ownership.suspend();
        }
        ownership.heartbeat(now);
        if (ownership.suspended() && !probing) {
            probe();
        }
    }

    /**
     * On the polling thread: first ends the leases of partitions the consumer no longer holds (lost while this
     * replica was paused, perhaps without a revocation callback), then commits the offsets already committed, in
     * this replica's generation: only a current member may. Holding nothing, nothing can act: confirmed at once.
     */
    void probe() {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(CommandConsumer.CHANNEL);
        if (consumer == null) {
            return;
        }
        probing = true;
        consumer.<Boolean> runOnPollingThread(c -> {
            lost.fenceUnassigned(c);
            Set<TopicPartition> assignment = c.assignment();
            if (assignment.isEmpty()) {
                return true;
            }
            if (c.groupMetadata().generationId() != generation) {
                return false; // a rebalance is under way or due: its callbacks decide
            }
            Map<TopicPartition, OffsetAndMetadata> proof = new HashMap<>();
            c.committed(assignment, PROBE_TIMEOUT).forEach((tp, offset) -> {
                if (offset != null) {
                    proof.put(tp, offset);
                }
            });
            if (proof.isEmpty()) {
                // Nothing committed yet: the log start is where the group begins anyway (auto.offset.reset=earliest).
                TopicPartition first = assignment.iterator().next();
                Long start = c.beginningOffsets(Set.of(first), PROBE_TIMEOUT).get(first);
                proof.put(first, new OffsetAndMetadata(start == null ? 0 : start));
            }
            c.commitSync(proof, PROBE_TIMEOUT);
            return true;
        }).subscribe().with(confirmed -> {
            probing = false;
            if (confirmed) {
                LOG.info("group membership confirmed after a pause; work goes on");
                ownership.membershipConfirmed();
            } else {
                vertx.setTimer(PROBE_RETRY_MS, id -> tick());
            }
        }, failure -> {
            probing = false;
            LOG.warnf("group membership not confirmed (%s); waiting for the group to rebalance",
                    failure.getClass().getSimpleName());
            vertx.setTimer(PROBE_RETRY_MS, id -> tick());
        });
    }

    /**
     * A rebalance callback ran in {@code generation}. It confirms membership only when no pause is pending: right
     * after a pause the consumer may finish the rebalance it joined before it froze, in a generation the group has
     * already left behind (seen in the chaos suite), so then only a commit in that generation confirms it.
     */
    void rebalanced(int generation) {
        this.generation = generation;
        ownership.confirmedByRebalance();
    }

    @PreDestroy
    void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }
}
