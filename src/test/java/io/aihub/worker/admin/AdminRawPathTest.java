package io.aihub.worker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.aihub.testkit.RawHttp;
import io.aihub.worker.support.AdminRawPaths;
import io.aihub.worker.support.AdminRawPaths.Credential;
import io.aihub.worker.support.AdminRawPaths.Probe;
import io.aihub.worker.support.WorkerTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * With the admin endpoints enabled (the test profile), no spelling of their paths — percent-encoded dots, dot
 * segments, doubled slashes, matrix parameters, an encoded letter, a trailing slash — reaches them without the right
 * token, each sent as a raw request line: every spelling the router sends to an admin resource is a 401 without the
 * token or with a wrong one and answers with it (a replay without a selection: the resource's own 400); other case is
 * another path (404). docs/testing.md has the table.
 */
@QuarkusTest
@WithTestResource(WorkerTestResource.class)
class AdminRawPathTest {

    private static final String TOKEN = "test-admin-token-4Rz8";

    @TestHTTPResource("/")
    URL http;

    @Test
    void every_spelling_that_reaches_an_admin_resource_needs_the_token_and_no_other_answers() {
        Map<Probe, Map<Credential, Integer>> statuses = AdminRawPaths.measure(http.getPort(), TOKEN);

        statuses.forEach((probe, byCredential) -> {
            int refused = probe.reachesAdminResource() ? 401 : 404;
            int answered = probe.method().equals("POST") ? 400 : 200;
            assertThat(byCredential).as(probe.toString()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    Credential.NONE, refused,
                    Credential.WRONG, refused,
                    Credential.RIGHT, probe.reachesAdminResource() ? answered : 404));
        });
    }

    @Test
    void with_the_token_a_dry_run_replay_on_the_normal_path_answers() {
        assertThat(RawHttp.status(http.getPort(), "POST", "/admin/replay", Optional.of("Bearer " + TOKEN),
                AdminRawPaths.DRY_RUN_REPLAY)).isEqualTo(200);
        assertThat(RawHttp.status(http.getPort(), "POST", "/%2e/admin/replay", Optional.empty(),
                AdminRawPaths.DRY_RUN_REPLAY)).isEqualTo(401);
    }
}
