package io.aihub.worker.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.aihub.worker.config.StartupChecks;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.PartitionOwnership;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.vertx.core.Vertx;

/**
 * The fresh-membership check of design.md ("Zombies"). Every heartbeat interval, on the polling thread, this
 * replica commits the offsets already committed: the group coordinator accepts a commit only from a current member
 * and then resets that member's session, so the group cannot give this replica's partitions away within the session
 * timeout of the commit. Work acts only within {@code session.timeout.ms - worker.fencing.max-pause} of the last
 * accepted commit; a replica cut off from the broker, or frozen past that, stops before another member may own its
 * partitions. Before each commit, leases of partitions the consumer no longer holds end (a revocation whose
 * listener never ran). A clock of this replica's own also notices a pause longer than {@code max-pause} at once.
 * Chosen over a transactional producer bound to the group generation because no Kafka transaction fences an HTTP
 * POST; it costs one offset fetch and one commit per heartbeat interval, and a volatile read per action.
 */
@ApplicationScoped
public class MembershipWatch {

    private static final Logger LOG = Logger.getLogger(MembershipWatch.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final PartitionOwnership ownership;
    private final LostPartitions lost;
    private final KafkaClientService kafka;
    private final long maxPauseNanos;
    private final Duration proofWindow;
    private final long probeIntervalNanos;
    private final long tickMs;
    private volatile long lastTickNanos = System.nanoTime();
    private volatile long suspendedAtNanos = System.nanoTime();
    private volatile long lastProbeNanos;
    private volatile boolean probing;
    private volatile boolean proofFailing;
    private long timerId = -1;

    @Inject
    public MembershipWatch(Vertx vertx, PartitionOwnership ownership, LostPartitions lost, KafkaClientService kafka,
            WorkerConfig config) {
        this(vertx, ownership, lost, kafka, config.fencing().maxPause(), StartupChecks.sessionTimeout(),
                StartupChecks.heartbeatInterval());
    }

    MembershipWatch(Vertx vertx, PartitionOwnership ownership, LostPartitions lost, KafkaClientService kafka,
            Duration maxPause, Duration sessionTimeout, Duration heartbeatInterval) {
        this.vertx = vertx;
        this.ownership = ownership;
        this.lost = lost;
        this.kafka = kafka;
        this.maxPauseNanos = maxPause.toNanos();
        this.proofWindow = sessionTimeout.minus(maxPause);
        this.probeIntervalNanos = heartbeatInterval.toNanos();
        this.tickMs = Math.max(50, maxPause.toMillis() / 20);
        this.lastProbeNanos = System.nanoTime() - probeIntervalNanos;
    }

    void start(@Observes StartupEvent event) {
        lastTickNanos = System.nanoTime();
        ownership.heartbeat(lastTickNanos);
        ownership.requireProof(proofWindow);
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
            suspendedAtNanos = now;
            ownership.suspend();
        }
        ownership.heartbeat(now);
        if (!probing && (ownership.suspended() || now - lastProbeNanos >= probeIntervalNanos)) {
            probe();
        }
    }

    /**
     * On the polling thread: ends the leases of partitions the consumer no longer holds, then commits the offsets
     * already committed (the log start of one partition when none is), in this replica's generation. Holding
     * nothing there is nothing to prove, and nothing can act.
     */
    void probe() {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(CommandConsumer.CHANNEL);
        if (consumer == null) {
            return;
        }
        probing = true;
        lastProbeNanos = System.nanoTime();
        consumer.<Long> runOnPollingThread(c -> {
            lost.fenceUnassigned(c);
            return commitProof(c);
        }).subscribe().with(sentAt -> {
            probing = false;
            if (sentAt == null) {
                if (ownership.suspended()) {
                    ownership.membershipConfirmed(); // holding nothing, nothing can act
                }
                return;
            }
            ownership.membershipProven(sentAt);
            if (proofFailing) {
                proofFailing = false;
                LOG.info("group membership confirmed again; work goes on");
            }
            if (ownership.suspended() && sentAt - suspendedAtNanos > 0) {
                LOG.info("group membership confirmed after a pause; work goes on");
                ownership.membershipConfirmed();
            }
        }, failure -> {
            probing = false;
            if (!proofFailing) {
                proofFailing = true;
                LOG.warnf("group membership not confirmed (%s); work stops %d ms after the last confirmation until"
                        + " the group confirms it or rebalances", failure.getClass().getSimpleName(),
                        proofWindow.toMillis());
            }
        });
    }

    /** A rebalance callback ran: new leases wait for the next proof, taken at once. */
    void rebalanced() {
        lastProbeNanos = System.nanoTime() - probeIntervalNanos;
    }

    /**
     * On the polling thread, inside a rebalance callback that holds it: proves membership with a commit now, so that
     * work keeps its permission during a long hand-over. A refusal changes nothing: the proof just ages.
     */
    void proveNow(Consumer<?, ?> consumer) {
        try {
            Long sentAt = commitProof(consumer);
            if (sentAt != null) {
                ownership.membershipProven(sentAt);
            }
        } catch (RuntimeException e) {
            LOG.debugf("membership not proven during a hand-over (%s)", e.getClass().getSimpleName());
        }
    }

    /** Commits the committed offsets of the assignment; the time it was sent, or null when nothing is held. */
    private static Long commitProof(Consumer<?, ?> c) {
        Set<TopicPartition> assignment = c.assignment();
        if (assignment.isEmpty()) {
            return null;
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
        long sentAt = System.nanoTime();
        c.commitSync(proof, PROBE_TIMEOUT);
        return sentAt;
    }

    @PreDestroy
    void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }
}
