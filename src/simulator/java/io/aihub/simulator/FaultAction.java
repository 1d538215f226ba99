package io.aihub.simulator;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a matching fault rule does to a request. {@link Stage#BEFORE} actions act before the simulator does the
 * work; {@link Stage#AFTER_SUCCESS} actions act on a successful response after the work is done (the run
 * exists), which is how lost responses of a POST that did start a run are simulated; {@link Stage#LISTING}
 * actions change what List runs shows. New actions are added as new records here and handled in
 * {@code FaultStage}, {@code ApiExchange} or {@code ListRunsQuery}.
 */
public sealed interface FaultAction {

    /** When an action takes effect. */
    enum Stage {
        /** Before the handler runs; latencies add up, the first other action ends the request. */
        BEFORE,
        /** On a 2xx response, after the handler did its work. */
        AFTER_SUCCESS,
        /** While List runs selects its page: which runs it shows and how many. */
        LISTING
    }

    Stage stage();

    /** Delays the request (also how "slow beyond a client timeout" is simulated). */
    record Latency(Duration delay) implements FaultAction {
        public Latency {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
        }

        @Override
        public Stage stage() {
            return Stage.BEFORE;
        }
    }

    /** Answers with {@code status} and {@code {"message": ...}}, optionally with a {@code Retry-After} header. */
    record ErrorResponse(int status, String message, Optional<String> retryAfter) implements FaultAction {
        public ErrorResponse {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("status must be 4xx or 5xx");
            }
            Objects.requireNonNull(message, "message");
            if (retryAfter.filter(v -> v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0).isPresent()) {
                throw new IllegalArgumentException("retryAfter must be one header line");
            }
        }

        @Override
        public Stage stage() {
            return Stage.BEFORE;
        }
    }

    /** Closes the connection (TCP reset where possible) without answering and without doing the work. */
    record ConnectionReset() implements FaultAction {
        @Override
        public Stage stage() {
            return Stage.BEFORE;
        }
    }

    /** Does the work (a submit creates the run), then closes the connection instead of answering. */
    record DropResponse() implements FaultAction {
        @Override
        public Stage stage() {
            return Stage.AFTER_SUCCESS;
        }
    }

    /**
     * Does the work (a submit creates the run), then waits before answering: how a client timeout after the run
     * was created is simulated.
     */
    record SlowResponse(Duration delay) implements FaultAction {
        public SlowResponse {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative");
            }
        }

        @Override
        public Stage stage() {
            return Stage.AFTER_SUCCESS;
        }
    }

    /** Does the work, then answers with the success status and a body that is not valid JSON. */
    record MalformedBody() implements FaultAction {
        @Override
        public Stage stage() {
            return Stage.AFTER_SUCCESS;
        }
    }

    /**
     * Does the work (a submit creates the run), then answers with an error status instead of the success: a gateway
     * that gave up after the request was forwarded. Nothing in the answer says that a run exists.
     */
    record ErrorAfterSuccess(ErrorResponse error) implements FaultAction {
        public ErrorAfterSuccess {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public Stage stage() {
            return Stage.AFTER_SUCCESS;
        }
    }

    /**
     * Does the work, then answers with the run it returns carrying {@code msg} as its message: how a service that
     * echoes request content (settings, secrets) in a run's message is simulated.
     */
    record RunMessage(String msg) implements FaultAction {
        public RunMessage {
            Objects.requireNonNull(msg, "msg");
        }

        @Override
        public Stage stage() {
            return Stage.AFTER_SUCCESS;
        }
    }

    /**
     * List runs shows a run only once it is {@code lag} old (by its start time): an index that trails the store, so
     * a run that exists can be missing from a search for a while. Get run status still finds it at once.
     */
    record ListingLag(Duration lag) implements FaultAction {
        public ListingLag {
            if (lag.isNegative() || lag.isZero()) {
                throw new IllegalArgumentException("lag must be positive");
            }
        }

        @Override
        public Stage stage() {
            return Stage.LISTING;
        }
    }

    /**
     * List runs returns at most {@code maxRuns} runs per page, whatever {@code limit} asked for, and says nothing
     * about it: a short page is then not the last one (the API has no {@code has_more} for List runs).
     */
    record PageCap(int maxRuns) implements FaultAction {
        public PageCap {
            if (maxRuns < 1) {
                throw new IllegalArgumentException("maxRuns must be at least 1");
            }
        }

        @Override
        public Stage stage() {
            return Stage.LISTING;
        }
    }

    /**
     * List runs leaves {@code tags} out of every run it lists, as an AI Hub from before the field was documented
     * would: a run cannot then be found by its tag.
     */
    record TagsOmitted() implements FaultAction {
        @Override
        public Stage stage() {
            return Stage.LISTING;
        }
    }

    static FaultAction latency(Duration delay) {
        return new Latency(delay);
    }

    static FaultAction error(int status, String message) {
        return new ErrorResponse(status, message, Optional.empty());
    }

    /** An error with {@code Retry-After} in its delta-seconds form. */
    static FaultAction errorRetryAfterSeconds(int status, String message, long seconds) {
        return new ErrorResponse(status, message, Optional.of(Long.toString(seconds)));
    }

    /** An error with {@code Retry-After} in its HTTP-date form (RFC 9110 IMF-fixdate). */
    static FaultAction errorRetryAfterDate(int status, String message, Instant when) {
        return new ErrorResponse(status, message, Optional.of(httpDate(when)));
    }

    /** The 404 a status poll gets for a run that was deleted behind the client's back. */
    static FaultAction notFound() {
        return new ErrorResponse(404, "run not found", Optional.empty());
    }

    static FaultAction connectionReset() {
        return new ConnectionReset();
    }

    static FaultAction slowResponse(Duration delay) {
        return new SlowResponse(delay);
    }

    static FaultAction dropResponse() {
        return new DropResponse();
    }

    static FaultAction malformedBody() {
        return new MalformedBody();
    }

    /** Creates the run, then answers {@code status} (for example 500, 502, 503 or 504) with {@code message}. */
    static FaultAction errorAfterSuccess(int status, String message) {
        return new ErrorAfterSuccess(new ErrorResponse(status, message, Optional.empty()));
    }

    /** List runs leaves out runs younger than {@code lag}. */
    static FaultAction listingLag(Duration lag) {
        return new ListingLag(lag);
    }

    /** List runs returns at most {@code maxRuns} runs per page. */
    static FaultAction pageCap(int maxRuns) {
        return new PageCap(maxRuns);
    }

    /** List runs lists runs without their {@code tags}. */
    static FaultAction omitTags() {
        return new TagsOmitted();
    }

    /** A successful answer whose run says {@code msg}. */
    static FaultAction runMessage(String msg) {
        return new RunMessage(msg);
    }

    /** Formats an instant as an HTTP-date, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    static String httpDate(Instant when) {
        // Not RFC_1123_DATE_TIME: it prints one-digit days, which the fixed form forbids.
        return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
                .withZone(ZoneOffset.UTC).format(when);
    }
}
