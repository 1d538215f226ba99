package io.aihub.simulator;

/** The API operation a fault rule applies to; {@link #ANY} matches every operation. */
public enum FaultOperation {
    /** Run app and Run deployment. */
    SUBMIT,
    /** Get run status. */
    STATUS,
    /** List runs. */
    LIST,
    /** Get run results. */
    RESULTS,
    /** Delete run. */
    DELETE,
    /** Every operation. */
    ANY;

    boolean matches(FaultOperation operation) {
        return this == ANY || this == operation;
    }
}
