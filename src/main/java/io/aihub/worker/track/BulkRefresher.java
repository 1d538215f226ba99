package io.aihub.worker.track;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.CallKind;
import io.aihub.worker.aihub.ListRunsQuery;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.TargetFields;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.metrics.WorkerMetrics;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Economical polling: while more than {@code worker.tracking.bulk-threshold} runs are tracked, every
 * {@code bulk-interval} the runs are refreshed through List runs, one listing per context and app or deployment,
 * over a window from the earliest start among them (minus a margin) to now (plus the margin), ascending with a fixed
 * upper bound, page by page until an empty page or until every tracked run of the group was seen. A run seen in a listing is
 * fresh and its own timer skips its GET; a run the listing did
 * not show (beyond the page cap, or not listed) is polled by its own timer as before. Each page is counted as a share
 * of a call for every tracked run the listing refreshed.
 */
final class BulkRefresher {

    private static final Logger LOG = Logger.getLogger(BulkRefresher.class);
    /** A pass brought forward starts this long after it was asked for, so that restores finishing together share it. */
    private static final long SOON_MS = 300;
    /** The longest pass length counted, in intervals: a stalled pass must not keep every run from its own GET. */
    private static final int MAX_PASS_INTERVALS = 8;

    /** What one listing covers: a context and an app (by name or ID) or a deployment. */
    private record Group(String context, String appName, String appId, String deploymentId) {

        static Group of(TrackedRun run) {
            TargetFields target = TargetFields.of(run.command);
            return new Group(run.command.ibContext(), target.appName(), target.appId(), target.deploymentId());
        }

        ListRunsQuery query(long from, long to, int limit) {
            return ListRunsQuery.window(from, to, limit).forTarget(appName, appId, deploymentId);
        }
    }

    /** Receives what a listing showed of one tracked run: the run, when it was asked for, and its share of calls. */
    interface Listener {
        void listed(TrackedRun tracked, Run run, long observedAt, float share);
    }

    private final Supplier<Collection<TrackedRun>> tracked;
    private final Listener listener;
    private final BooleanSupplier inOutage;
    private final Vertx vertx;
    private final AiHubClient client;
    private final WorkerMetrics metrics;
    private final int threshold;
    private final long intervalMs;
    private final int pageSize;
    private final int maxPages;
    private final long marginMs;

    // The timer chain: a timer runs its pass only while it is the latest one armed (guarded by this).
    private long timerId = -1;
    private long armed;
    private boolean running;
    private boolean wanted;
    private volatile boolean stopped;
    // How long passes take: the pass under way (since when, or -1) and the last one that listed every group.
    private volatile long passStartedAt = -1;
    private volatile long lastPassMs;

    BulkRefresher(Supplier<Collection<TrackedRun>> tracked, Listener listener, BooleanSupplier inOutage, Vertx vertx,
            AiHubClient client, WorkerConfig.Tracking config, Duration margin, WorkerMetrics metrics) {
        this.tracked = tracked;
        this.listener = listener;
        this.inOutage = inOutage;
        this.vertx = vertx;
        this.client = client;
        this.metrics = metrics;
        this.threshold = config.bulkThreshold();
        this.intervalMs = Math.max(1, config.bulkInterval().toMillis());
        this.pageSize = Math.max(1, config.bulkPageSize());
        this.maxPages = Math.max(1, config.bulkMaxPages());
        this.marginMs = margin.toMillis();
    }

    void start() {
        schedule(System.currentTimeMillis() + intervalMs);
    }

    synchronized void stop() {
        stopped = true;
        vertx.cancelTimer(timerId);
    }

    /**
     * Runs were just resumed from the ledger, and no listing has seen them yet: above the threshold, brings the next
     * pass forward (to now, or to the end of the pass under way) and returns how long their own first GET should wait,
     * by when the listing has refreshed them for far fewer calls than a GET each; 0 below it.
     */
    synchronized long resumed() {
        if (stopped || !active()) {
            return 0;
        }
        long pass = passLengthMs(System.currentTimeMillis());
        if (running) {
            wanted = true;
            return 2 * pass; // the rest of the pass under way, then the one brought forward
        }
        vertx.cancelTimer(timerId);
        schedule(System.currentTimeMillis() + SOON_MS);
        return SOON_MS + pass;
    }

    /** True when bulk refreshes are on and one saw {@code run} recently enough that it needs no GET of its own. */
    boolean covers(TrackedRun run, long now) {
        // A run the listings show: three passes, as with many runs a pass outlasts the interval, and GETs falling due
        // meanwhile would take the budget the pass needs. Any other run: three intervals since its last GET.
        return active() && (now - run.listedAt < 3 * passLengthMs(now) || now - run.refreshedAt < 3 * intervalMs);
    }

    /** The length of a pass: the interval, or longer if the last pass or the one under way took longer (capped). */
    long passLengthMs(long now) {
        long started = passStartedAt;
        long longest = Math.max(intervalMs, Math.max(lastPassMs, started < 0 ? 0 : now - started));
        return Math.min(longest, MAX_PASS_INTERVALS * intervalMs);
    }

    private boolean active() {
        return tracked.get().size() > threshold;
    }

    private synchronized void schedule(long dueAt) {
        if (stopped) {
            return;
        }
        long token = ++armed;
        timerId = vertx.setTimer(Math.max(1, dueAt - System.currentTimeMillis()), id -> tick(dueAt, token));
    }

    private void tick(long dueAt, long token) {
        synchronized (this) {
            if (token != armed || stopped) {
                return; // replaced by a pass brought forward
            }
            running = true;
            wanted = false;
        }
        long start = System.currentTimeMillis();
        if (!active()) {
            lastPassMs = 0; // the passes of a later busy time are measured afresh
            passEnded(start, false);
            return;
        }
        metrics.pollScheduleLag(start - dueAt);
        passStartedAt = start;
        refreshAll(start).subscribe().with(
                listedAll -> passEnded(start, listedAll),
                failure -> {
                    LOG.debugf("bulk refresh failed (%s); runs fall back to their own polls",
                            failure.getClass().getSimpleName());
                    passEnded(start, false);
                });
    }

    private synchronized void passEnded(long start, boolean listedAll) {
        if (passStartedAt == start) {
            if (listedAll) {
                lastPassMs = System.currentTimeMillis() - start;
            }
            passStartedAt = -1;
        }
        running = false;
        schedule(wanted ? System.currentTimeMillis() + SOON_MS : start + intervalMs);
        wanted = false;
    }

    /** One pass over every group, one group after another; true when every group was listed. */
    Uni<Boolean> refreshAll(long now) {
        Map<Group, Map<String, TrackedRun>> groups = new HashMap<>();
        Map<Group, long[]> earliest = new HashMap<>();
        for (TrackedRun run : tracked.get()) {
            Group group = Group.of(run);
            groups.computeIfAbsent(group, g -> new HashMap<>()).put(run.runId, run);
            long[] min = earliest.computeIfAbsent(group, g -> new long[] { Long.MAX_VALUE });
            min[0] = Math.min(min[0], run.trackingSince);
        }
        List<Group> order = new ArrayList<>(groups.keySet());
        // In an outage polls pause, and so do listings: the groups left wait for the next pass.
        return Multi.createFrom().iterable(order)
                .onItem().transformToUniAndConcatenate(group -> inOutage.getAsBoolean() ? Uni.createFrom().item(false)
                        : refresh(group, groups.get(group), earliest.get(group)[0], now)
                                .replaceWith(true)
                                .onFailure().recoverWithItem(false))
                .collect().asList().map(listed -> !listed.contains(false));
    }

    private Uni<Void> refresh(Group group, Map<String, TrackedRun> runs, long earliestMs, long now) {
        long from = (earliestMs - marginMs) / 1000;
        long to = (now + marginMs) / 1000 + 1;
        ListRunsQuery query = group.query(from, to, pageSize);
        AtomicInteger offset = new AtomicInteger();
        AtomicInteger pages = new AtomicInteger();
        List<TrackedRun> refreshed = new ArrayList<>();
        List<Run> listed = new ArrayList<>();
        return Multi.createBy().repeating()
                .uni(() -> client.listRunsPage(CallKind.LIST, group.context(), query, offset.get()).invoke(page -> {
                    pages.incrementAndGet();
                    offset.addAndGet(page.size());
                    for (Run run : page) {
                        TrackedRun tracked = runs.get(run.id());
                        if (tracked != null) {
                            refreshed.add(tracked);
                            listed.add(run);
                        }
                    }
                }))
                // A short page is not the last (the API may cap limit); stop at an empty page, or once every tracked
                // run of the group was seen, since later pages hold only runs this replica does not follow.
                .whilst(page -> !page.isEmpty() && pages.get() < maxPages && refreshed.size() < runs.size())
                .collect().last()
                .invoke(() -> {
                    float share = refreshed.isEmpty() ? 0 : (float) pages.get() / refreshed.size();
                    for (int i = 0; i < refreshed.size(); i++) {
                        listener.listed(refreshed.get(i), listed.get(i), now, share);
                    }
                })
                .replaceWithVoid();
    }
}
