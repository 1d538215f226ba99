package io.aihub.worker.messaging;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.vertx.core.Vertx;

/**
 * Back-pressure that pauses fetching instead of holding records (design.md, "Liveness"): commands partitions are
 * paused through the consumer, on its polling thread, while a reason stands — a ledger restore or a hot key for one
 * partition, an AI Hub outage, the tracked-runs cap or a shutdown for all. Written by hand because SmallRye pauses
 * and resumes the whole assignment for its own queue: a partition its resume released is paused again when its next
 * record arrives, and partitions are resumed only while SmallRye itself pauses none.
 */
@ApplicationScoped
public class PartitionPauses {

    /** Why fetching pauses. */
    public enum Reason {
        RESTORE,
        HOT_KEY,
        OUTAGE,
        TRACKED_RUNS_CAP,
        SHUTDOWN
    }

    private static final Logger LOG = Logger.getLogger(PartitionPauses.class);
    private static final long RETRY_MS = 200;

    private final KafkaClientService kafka;
    private final Vertx vertx;
    private final Map<Integer, Set<Reason>> byPartition = new ConcurrentHashMap<>();
    private final Set<Reason> all = ConcurrentHashMap.newKeySet();
    /** Partitions this class paused on the consumer (polling thread only). */
    private final Set<TopicPartition> pausedByUs = new HashSet<>();
    private volatile boolean applyQueued;

    @Inject
    public PartitionPauses(KafkaClientService kafka, Vertx vertx) {
        this.kafka = kafka;
        this.vertx = vertx;
    }

    /** Pauses {@code partition} for {@code reason} (until {@link #resume}). */
    public void pause(int partition, Reason reason) {
        if (byPartition.computeIfAbsent(partition, p -> ConcurrentHashMap.newKeySet()).add(reason)) {
            apply();
        }
    }

    /** Lifts {@code reason} for {@code partition}; it is fetched again once no reason stands. */
    public void resume(int partition, Reason reason) {
        Set<Reason> reasons = byPartition.get(partition);
        if (reasons != null && reasons.remove(reason)) {
            apply();
        }
    }

    /** Pauses every partition for {@code reason}. */
    public void pauseAll(Reason reason) {
        if (all.add(reason)) {
            LOG.infof("fetching commands paused (%s)", reason);
            apply();
        }
    }

    /** Lifts {@code reason} for every partition. */
    public void resumeAll(Reason reason) {
        if (all.remove(reason)) {
            LOG.infof("fetching commands resumed (%s lifted)", reason);
            apply();
        }
    }

    /** True while {@code partition} should not be fetched. */
    public boolean paused(int partition) {
        Set<Reason> reasons = byPartition.get(partition);
        return !all.isEmpty() || reasons != null && !reasons.isEmpty();
    }

    /** A record of {@code partition} arrived: if it should be paused, a resume of SmallRye's released it. */
    public void arrived(int partition) {
        if (paused(partition)) {
            apply();
        }
    }

    /** The partition left this replica: its reasons go with it. */
    public void forget(int partition) {
        byPartition.remove(partition);
    }

    private void apply() {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(CommandConsumer.CHANNEL);
        if (consumer == null || applyQueued) {
            return;
        }
        applyQueued = true;
        consumer.<Boolean> runOnPollingThread(c -> {
            applyQueued = false;
            Set<TopicPartition> assignment = c.assignment();
            Set<TopicPartition> wanted = new HashSet<>();
            for (TopicPartition tp : assignment) {
                if (paused(tp.partition())) {
                    wanted.add(tp);
                }
            }
            c.pause(wanted);
            pausedByUs.retainAll(assignment);
            pausedByUs.addAll(wanted);
            Set<TopicPartition> release = new HashSet<>(pausedByUs);
            release.removeAll(wanted);
            if (release.isEmpty()) {
                return true;
            }
            Set<TopicPartition> smallRyes = new HashSet<>(c.paused());
            smallRyes.removeAll(pausedByUs);
            if (!smallRyes.isEmpty()) {
                return false; // SmallRye pauses for its own queue: it resumes everything itself
            }
            c.resume(release);
            pausedByUs.removeAll(release);
            return true;
        }).subscribe().with(done -> {
            if (!done) {
                vertx.setTimer(RETRY_MS, id -> apply());
            }
        }, failure -> {
            applyQueued = false;
            LOG.debugf("pausing or resuming partitions failed (%s); tried again", failure.getClass().getSimpleName());
            vertx.setTimer(RETRY_MS, id -> apply());
        });
    }

    /** The reasons that stand for every partition (for tests and logs). */
    Set<Reason> allReasons() {
        return all.isEmpty() ? EnumSet.noneOf(Reason.class) : EnumSet.copyOf(all);
    }
}
