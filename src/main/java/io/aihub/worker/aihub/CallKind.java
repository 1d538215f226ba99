package io.aihub.worker.aihub;

import java.util.Locale;

/**
 * What a call to AI Hub is for: submissions, reconciliation searches and bulk listings come first at the rate
 * limiter, single-run polls and the rest share what is left (with a guaranteed minimum).
 */
public enum CallKind {
    /** Run app or Run deployment. */
    SUBMIT(true),
    /** List runs looking for a command's tag after an unknown outcome. */
    RECONCILE(true),
    /** Get run status of one run. */
    POLL(false),
    /** List runs refreshing many tracked runs at once: served with submissions, as one page stands for many polls. */
    LIST(true),
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
