package io.aihub.worker.aihub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.ProcessingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonParseException;

import io.aihub.worker.aihub.FailureClassifier.Kind;
import io.vertx.core.http.HttpClosedException;

/**
 * What a failed submission means for the run it may have started, as design.md (rule 2c, guarantee 5) and
 * aihub-api.md ("Behaviour a client must expect") say. Transport failures are wrapped the way the REST client
 * wraps them ({@link ProcessingException} with the cause inside).
 */
class FailureClassifierTest {

    private static AiHubHttpException http(int status) {
        return new AiHubHttpException(status, Optional.empty(), "message from AI Hub");
    }

    private static Throwable wrapped(Throwable cause) {
        return new ProcessingException(cause);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = { 408, 425, 429 })
    void statuses_answered_before_a_run_is_created_are_retried_without_a_search(int status) {
        assertThat(FailureClassifier.classify(http(status))).isEqualTo(Kind.TRANSIENT_NO_RUN);
        assertThat(FailureClassifier.classify(wrapped(http(status)))).isEqualTo(Kind.TRANSIENT_NO_RUN);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = { 500, 502, 504 })
    void server_errors_that_may_follow_a_created_run_leave_the_outcome_unknown(int status) {
        assertThat(FailureClassifier.classify(http(status))).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(FailureClassifier.classify(wrapped(http(status)))).isEqualTo(Kind.UNKNOWN_OUTCOME);
    }

    @Test
    void a_503_on_a_submission_leaves_the_outcome_unknown_because_a_gateway_may_have_forwarded_it() {
        assertThat(FailureClassifier.classify(http(503))).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(FailureClassifier.classify(new AiHubHttpException(503, Optional.of(Duration.ofSeconds(2)), "busy")))
                .isEqualTo(Kind.UNKNOWN_OUTCOME);
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = { 400, 401, 403, 404, 409, 422 })
    void refusals_of_the_request_itself_are_permanent(int status) {
        assertThat(FailureClassifier.classify(http(status))).isEqualTo(Kind.PERMANENT);
        assertThat(FailureClassifier.classify(wrapped(http(status)))).isEqualTo(Kind.PERMANENT);
    }

    @Test
    void a_refused_connection_never_reached_ai_hub() {
        assertThat(FailureClassifier.classify(new ConnectException("Connection refused")))
                .isEqualTo(Kind.TRANSIENT_NO_RUN);
        assertThat(FailureClassifier.classify(wrapped(new ConnectException("Connection refused"))))
                .isEqualTo(Kind.TRANSIENT_NO_RUN);
    }

    @Test
    void a_timeout_after_sending_leaves_the_outcome_unknown() {
        assertThat(FailureClassifier.classify(wrapped(new TimeoutException()))).isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(FailureClassifier.classify(wrapped(new SocketTimeoutException("Read timed out"))))
                .isEqualTo(Kind.UNKNOWN_OUTCOME);
    }

    @Test
    void a_reset_or_closed_connection_leaves_the_outcome_unknown() {
        assertThat(FailureClassifier.classify(wrapped(new SocketException("Connection reset"))))
                .isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(FailureClassifier.classify(wrapped(new HttpClosedException("Connection was closed"))))
                .isEqualTo(Kind.UNKNOWN_OUTCOME);
    }

    @Test
    void an_unreadable_or_empty_2xx_body_leaves_the_outcome_unknown() {
        assertThat(FailureClassifier.classify(new AiHubProtocolException("AI Hub answered with an empty body")))
                .isEqualTo(Kind.UNKNOWN_OUTCOME);
        assertThat(FailureClassifier.classify(wrapped(new JsonParseException(null, "Unexpected character ('<')"))))
                .isEqualTo(Kind.UNKNOWN_OUTCOME);
    }

    @Test
    void a_call_refused_by_the_rate_limiter_was_never_sent() {
        assertThat(FailureClassifier.classify(new RateLimitRejectedException(200_000)))
                .isEqualTo(Kind.TRANSIENT_NO_RUN);
        assertThat(FailureClassifier.classify(wrapped(new RateLimitRejectedException(200_000))))
                .isEqualTo(Kind.TRANSIENT_NO_RUN);
    }

    @Test
    void a_request_that_could_not_be_written_created_no_run() {
        Throwable unwritable = new IllegalArgumentException("the request body could not be written as JSON");

        // Never sent, and sending it again would fail the same way: the command ends, no search, no retry.
        assertThat(FailureClassifier.classify(unwritable)).isEqualTo(Kind.PERMANENT);
    }

    @Test
    void a_submission_whose_partition_moved_before_it_was_sent_created_no_run() {
        assertThat(FailureClassifier.classify(new NotSentException("its partition moved before it was sent")))
                .isEqualTo(Kind.TRANSIENT_NO_RUN);
        assertThat(FailureClassifier.classify(wrapped(new NotSentException("moved"))))
                .isEqualTo(Kind.TRANSIENT_NO_RUN);
    }

    @Test
    void the_http_status_is_found_under_wrappers_and_is_zero_without_one() {
        assertThat(FailureClassifier.httpStatus(wrapped(http(422)))).isEqualTo(422);
        assertThat(FailureClassifier.httpStatus(wrapped(new SocketException("Connection reset")))).isZero();
    }

    @Test
    void an_http_answer_is_found_however_deeply_it_is_wrapped() {
        AiHubHttpException refusal = http(404);
        Throwable twiceWrapped = new IllegalStateException("subscriber failed", wrapped(refusal));

        assertThat(FailureClassifier.unwrap(twiceWrapped)).isSameAs(refusal);
        assertThat(FailureClassifier.classify(twiceWrapped)).isEqualTo(Kind.PERMANENT);
    }
}
