package io.aihub.worker.aihub;

import java.util.Locale;

/**
 * What a call to AI Hub is for: submissions and reconciliation searches come first at the rate limiter; bulk listings
 * (first), single-run polls and the rest share what is left, with a guaranteed minimum.
 */
public enum CallKind {
    /** Run app or Run deployment. */
    SUBMIT(true),
    /** List runs looking for a command's tag after an unknown outcome. */
    RECONCILE(true),
    /** Get run status of one run. */
    POLL(false),
    /**
     * List runs refreshing many tracked runs at once: ahead of polls in their share, as one page stands for many polls.
     * Not with submissions: a page would wait behind every submission queued before it, one group after another.
     */
    LIST(false),
    /** Get run results. */
    RESULTS(false),
    /** Delete run. */
    DELETE(false),
    /** The outage probe. */
    PROBE(false);

    private final boolean priority;
    private final String tag;

    CallKind(boolean priority) {
        this.priority = priority;
        this.tag = name().toLowerCase(Locale.ROOT);
    }

    /** True for the calls served first. */
    public boolean priority() {
        return priority;
    }

    /** The metric tag value. */
    public String tag() {
        return tag;
    }
}
