package io.aihub.worker.aihub;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What a search of List runs for a run's tag found (design.md, rule 2c). {@code tags} is nullable and recent in the
 * API document: an AI Hub that lists runs without it cannot show a tag, so a search there proves nothing.
 */
public sealed interface TagSearch {

    /** A listed run carries the tag. */
    record Found(Run run) implements TagSearch {
    }

    /** No listed run carries the tag, and the listing shows tags: no such run is listed (yet) among {@code listed}. */
    record NotFound(int listed) implements TagSearch {
    }

    /**
     * No run carries the tag, but the {@code runsWithoutTags} runs listed all came without {@code tags}: a run with
     * the tag may exist unseen. Never to be read as "no run".
     */
    record TagsNotListed(int runsWithoutTags) implements TagSearch {
    }

    /**
     * Searches {@code listing} (for example {@link AiHubClient#listRuns}, which pages until an empty page) for a run
     * carrying {@code tag}, stopping at the first. When none does and every listed run came without {@code tags}, the
     * answer is {@link TagsNotListed}: this AI Hub may not list tags. One listed run with tags shows that it does, and
     * runs without are then runs that were started without tags.
     */
    static Uni<TagSearch> in(Multi<Run> listing, String tag) {
        AtomicInteger withoutTags = new AtomicInteger();
        AtomicInteger listed = new AtomicInteger();
        AtomicBoolean tagsListed = new AtomicBoolean();
        return listing
                .invoke(run -> {
                    listed.incrementAndGet();
                    if (run.tags() == null) {
                        withoutTags.incrementAndGet();
                    } else {
                        tagsListed.set(true);
                    }
                })
                // where(): the first run with the tag anywhere in the listing (first(predicate) would stop at a miss).
                .select().where(run -> run.hasTag(tag)).toUni()
                .map(found -> {
                    if (found != null) {
                        return new Found(found);
                    }
                    return withoutTags.get() > 0 && !tagsListed.get() ? new TagsNotListed(withoutTags.get())
                            : new NotFound(listed.get());
                });
    }
}
