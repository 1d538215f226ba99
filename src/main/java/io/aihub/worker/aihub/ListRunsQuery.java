package io.aihub.worker.aihub;

import java.util.List;
import java.util.Optional;

/**
 * Filters of List runs. The window is in Unix seconds and always given both ways, because the API's default is
 * only the last 24 hours. Sorting is by start, ascending unless {@link #newestFirst()}: offset paging of a bulk
 * refresh stays stable, as new runs come in after its last page.
 */
public record ListRunsQuery(Optional<String> appId, Optional<String> appName, Optional<String> deploymentId,
        Optional<String> runId, List<String> statuses, long fromTimestampSeconds, long toTimestampSeconds,
        int limit, boolean descending) {

    /** Runs of any app and deployment that started within the window. */
    public static ListRunsQuery window(long fromSeconds, long toSeconds, int limit) {
        return new ListRunsQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                fromSeconds, toSeconds, limit, false);
    }

    /**
     * The same query restricted to what a command runs: the app name, else the app ID, else the deployment ID
     * (exactly one is given).
     */
    public ListRunsQuery forTarget(String appName, String appId, String deploymentId) {
        if (appName != null) {
            return withAppName(appName);
        }
        return appId != null ? withAppId(appId) : withDeploymentId(deploymentId);
    }

    /**
     * The same query, newest first. A search by tag lists so: the run it looks for started recently, and a listing
     * that must reach its end ends while new runs keep starting, as long as fewer start during one page than a page
     * holds (they come in at the top and are at worst listed twice), where oldest first would chase them until no
     * run started during a page.
     */
    public ListRunsQuery newestFirst() {
        return new ListRunsQuery(appId, appName, deploymentId, runId, statuses, fromTimestampSeconds,
                toTimestampSeconds, limit, true);
    }

    /** The same query restricted to one app name. */
    public ListRunsQuery withAppName(String name) {
        return new ListRunsQuery(appId, Optional.of(name), deploymentId, runId, statuses, fromTimestampSeconds,
                toTimestampSeconds, limit, descending);
    }

    /** The same query restricted to one app ID. */
    public ListRunsQuery withAppId(String id) {
        return new ListRunsQuery(Optional.of(id), appName, deploymentId, runId, statuses, fromTimestampSeconds,
                toTimestampSeconds, limit, descending);
    }

    /** The same query restricted to one deployment. */
    public ListRunsQuery withDeploymentId(String id) {
        return new ListRunsQuery(appId, appName, Optional.of(id), runId, statuses, fromTimestampSeconds,
                toTimestampSeconds, limit, descending);
    }
}
