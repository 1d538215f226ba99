package io.aihub.worker.aihub;

/**
 * AI Hub's answer to Run app or Run deployment: the run it started and the HTTP status it answered with (200 for an
 * app, 202 for a deployment in the API document; whatever it was, that is what the submission metric records).
 *
 * @param httpStatus the 2xx status of the answer
 * @param run the run, with its ID
 */
public record SubmitAnswer(int httpStatus, Run run) {
}
