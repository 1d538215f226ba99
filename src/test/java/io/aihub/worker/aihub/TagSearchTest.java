package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;

/** The decision a search by tag makes over a listing, runs with and without {@code tags}. */
class TagSearchTest {

    private static final String TAG = "aihub-run-worker:c-1";

    private static Run run(String id, String... tags) {
        return new Run(id, "RUNNING", 1L, null, null, null, null, null, null, tags == null ? null : List.of(tags));
    }

    private static Run untagged(String id) {
        return new Run(id, "RUNNING", 1L, null, null, null, null, null, null, null);
    }

    private static TagSearch search(Run... runs) {
        return TagSearch.in(Multi.createFrom().iterable(Arrays.asList(runs)), TAG).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void the_run_with_the_tag_is_found_even_among_runs_without_tags() {
        Run ours = run("r-2", "team", TAG);

        assertThat(search(untagged("r-1"), ours, untagged("r-3"))).isEqualTo(new TagSearch.Found(ours));
    }

    @Test
    void a_listing_where_no_run_has_tags_cannot_say_the_run_is_absent() {
        assertThat(search(untagged("r-1"), untagged("r-2"))).isEqualTo(new TagSearch.TagsNotListed(2));
    }

    @Test
    void one_listed_run_with_tags_shows_tags_are_listed_so_a_miss_is_a_miss() {
        assertThat(search(untagged("r-1"), run("r-2", "aihub-run-worker:other"))).isEqualTo(new TagSearch.NotFound(2));
        assertThat(search(untagged("r-1"), run("r-2"))).as("an empty tag list is a tag list")
                .isEqualTo(new TagSearch.NotFound(2));
    }

    @Test
    void an_empty_listing_is_a_miss() {
        assertThat(search()).isEqualTo(new TagSearch.NotFound(0));
    }

    @Test
    void the_search_stops_at_the_first_run_with_the_tag() {
        Run first = run("r-1", TAG);
        Run second = run("r-2", TAG);

        assertThat(search(first, second)).isEqualTo(new TagSearch.Found(first));
    }
}
