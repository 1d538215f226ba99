package io.aihub.simulator;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.vertx.core.MultiMap;

/**
 * The validated query of List runs. Defaults: the window is the last 24 hours up to now, limit 100, offset 0,
 * newest first ({@code sort_by=start_timestamp}, {@code order=DESCENDING}; the API states no default order). The
 * window bounds are Unix seconds, inclusive, applied to the start time. Types are checked (400); values the API
 * leaves open are served: any {@code limit} of at least 1, any {@code status} string. Unknown parameters are
 * ignored, as a service does with parameters it does not know; strict mode refuses them and repeated single-valued
 * ones. {@code username} is accepted and ignored: the simulator has a single user.
 */
final class ListRunsQuery {
    static final int DEFAULT_LIMIT = 100;
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

    private ListRunsQuery(MultiMap params, long nowSeconds, boolean strict) {
        this.params = params;
        if (strict) {
            for (String name : params.names()) {
                if (!SINGLE.contains(name) && !REPEATABLE.contains(name)) {
                    throw Rejection.badRequest("unknown query parameter: " + name);
                }
                if (SINGLE.contains(name) && params.getAll(name).size() > 1) {
                    throw Rejection.badRequest(name + " must be given at most once");
                }
            }
        }
        this.fromSeconds = longParam("from_timestamp", nowSeconds - DAY_SECONDS, 0);
        this.toSeconds = longParam("to_timestamp", nowSeconds, 0);
        if (fromSeconds > toSeconds) {
            throw Rejection.badRequest("from_timestamp must not be after to_timestamp");
        }
        this.limit = (int) Math.min(Integer.MAX_VALUE, longParam("limit", DEFAULT_LIMIT, 1));
        this.offset = (int) Math.min(Integer.MAX_VALUE, longParam("offset", 0, 0));
        this.order = comparator(params.get("sort_by"), params.get("order"));
    }

    static ListRunsQuery parse(MultiMap params, long nowSeconds, boolean strict) {
        return new ListRunsQuery(params, nowSeconds, strict);
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
                .filter(run -> matches("app_id", run.reportedAppId()) && matches("app_name", run.appName)
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

    private long longParam(String name, long fallback, long min) {
        String raw = params.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < min) {
                throw Rejection.badRequest(min == 0 ? name + " must not be negative" : name + " must be at least " + min);
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
