package io.aihub.worker.aihub;

/** A submission was never written: its gate refused it (the partition moved), so no run can exist from it. */
public final class NotSentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public NotSentException(String why) {
        super(why, null, false, false);
    }
}
