package io.aihub.simulator;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.vertx.core.MultiMap;

/**
 * The validated query of List runs. Defaults: the window starts 24 hours ago and is open at the end, limit
 * 100 (at most 1000), offset 0, newest first ({@code sort_by=start_timestamp}, {@code order=DESCENDING}).
 * The window bounds are Unix seconds, inclusive, applied to the start time. Unknown or repeated single-valued
 * parameters are refused so that a client's typo fails in tests. {@code username} is accepted and ignored:
 * the simulator has a single user.
 */
final class ListRunsQuery {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final long DAY_SECONDS = 24 * 60 * 60;
    private static final Set<String> SINGLE = Set.of("app_id", "app_name", "deployment_id", "username", "run_id",
            "from_timestamp", "to_timestamp", "limit", "offset", "sort_by", "order");
    private static final Set<String> REPEATABLE = Set.of("status", "output_workspaces");

    private final MultiMap params;
    private final long fromSeconds;
    private final long toSeconds;
    private final int limit;
    private final int offset;
    private final Comparator<SimulatedRunView> order;

    private ListRunsQuery(MultiMap params, long nowSeconds) {
        this.params = params;
        for (String name : params.names()) {
            if (!SINGLE.contains(name) && !REPEATABLE.contains(name)) {
                throw Rejection.badRequest("unknown query parameter: " + name);
            }
            if (SINGLE.contains(name) && params.getAll(name).size() > 1) {
                throw Rejection.badRequest(name + " must be given at most once");
            }
        }
        for (String status : params.getAll("status")) {
            if (!Scenario.KNOWN_STATUSES.contains(status)) {
                throw Rejection.badRequest("status must be one of " + Scenario.KNOWN_STATUSES);
            }
        }
        this.fromSeconds = longParam("from_timestamp", nowSeconds - DAY_SECONDS, 0, Long.MAX_VALUE);
        this.toSeconds = longParam("to_timestamp", Long.MAX_VALUE, 0, Long.MAX_VALUE);
        if (fromSeconds > toSeconds) {
            throw Rejection.badRequest("from_timestamp must not be after to_timestamp");
        }
        this.limit = (int) longParam("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        this.offset = (int) longParam("offset", 0, 0, Integer.MAX_VALUE);
        this.order = comparator(params.get("sort_by"), params.get("order"));
    }

    static ListRunsQuery parse(MultiMap params, long nowSeconds) {
        return new ListRunsQuery(params, nowSeconds);
    }

    /** Filters, sorts and pages the runs of one context, as {@code listing} faults shape the answer. */
    List<SimulatedRunView> select(Stream<SimulatedRun> runs, String context, RunStore store,
            FaultPlan.Listing listing) {
        List<String> statuses = params.getAll("status");
        List<String> workspaces = params.getAll("output_workspaces");
        // Without a lag nothing is hidden, not even a run a test clock dated in the future.
        boolean lagging = !listing.lag().isZero();
        long visibleBefore = store.nowNanos() - listing.lag().toNanos();
        return runs
                .filter(run -> run.context.equals(context))
                .filter(run -> !lagging || run.startNanos <= visibleBefore)
                .filter(run -> matches("app_id", run.appId) && matches("app_name", run.appName)
                        && matches("deployment_id", run.deploymentId) && matches("run_id", run.id.toString()))
                .filter(run -> workspaces.isEmpty() || workspaces.contains(run.workspace))
                .filter(run -> {
                    long startSeconds = Math.floorDiv(run.startNanos, 1_000_000_000L);
                    return startSeconds >= fromSeconds && startSeconds <= toSeconds;
                })
                .map(store::view)
                .filter(view -> statuses.isEmpty() || statuses.contains(view.status()))
                .sorted(order)
                .skip(offset)
                .limit(listing.pageSize(limit))
                .collect(Collectors.toList());
    }

    private boolean matches(String param, String value) {
        String wanted = params.get(param);
        return wanted == null || wanted.equals(value);
    }

    private long longParam(String name, long fallback, long min, long max) {
        String raw = params.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                throw Rejection.badRequest(max >= Integer.MAX_VALUE
                        ? name + " must not be negative"
                        : name + " must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw Rejection.badRequest(name + " must be an integer");
        }
    }

    private static Comparator<SimulatedRunView> comparator(String sortBy, String order) {
        // Start time then ID keeps pages stable when two runs start in the same nanosecond.
        Comparator<SimulatedRunView> byStart = Comparator.comparingLong(SimulatedRunView::startTimestamp)
                .thenComparing(SimulatedRunView::id);
        Comparator<SimulatedRunView> chosen;
        if (sortBy == null || sortBy.equals("start_timestamp")) {
            chosen = byStart;
        } else if (sortBy.equals("status")) {
            chosen = Comparator.comparing(SimulatedRunView::status).thenComparing(byStart);
        } else {
            throw Rejection.badRequest("sort_by must be start_timestamp or status");
        }
        if (order == null || order.equals("DESCENDING")) {
            return chosen.reversed();
        }
        if (order.equals("ASCENDING")) {
            return chosen;
        }
        throw Rejection.badRequest("order must be ASCENDING or DESCENDING");
    }
}
