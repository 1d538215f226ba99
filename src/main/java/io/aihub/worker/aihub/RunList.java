package io.aihub.worker.aihub;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The body of List runs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunList(List<Run> runs) {

    /** The runs, never null. */
    public List<Run> runsOrEmpty() {
        return runs == null ? List.of() : runs;
    }
}
