package io.aihub.worker.submit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.AiHubHttpException;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.ErrorCode;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.event.SecretScrubber;
import io.smallrye.mutiny.Uni;

/** Submits a command's run to AI Hub and reports the outcome; never fails the returned {@link Uni}. */
@ApplicationScoped
public class Submitter {

    private static final Logger LOG = Logger.getLogger(Submitter.class);

    private final AiHubClient client;
    private final List<String> globalSecrets;
    private final Clock clock;

    @Inject
    public Submitter(AiHubClient client, AiHubConfig config) {
        this.client = client;
        this.globalSecrets = config.apiToken().map(List::of).orElse(List.of());
        this.clock = Clock.systemUTC();
    }

    /** Sends the POST for {@code command}. */
    public Uni<SubmissionOutcome> submit(RunCommand command) {
        ObjectNode body = RunRequestFactory.body(command);
        Instant startedAt = clock.instant();
        return post(command, body)
                .<SubmissionOutcome> map(run -> new SubmissionOutcome.Submitted(run, 1))
                .onFailure().recoverWithItem(failure -> failed(command, failure, 1, startedAt));
    }

    private Uni<Run> post(RunCommand command, ObjectNode body) {
        if (command.target() instanceof Target.Deployment deployment) {
            return client.runDeployment(command.ibContext(), deployment.deploymentId(), body);
        }
        return client.runApp(command.ibContext(), body);
    }

    private SubmissionOutcome.Failed failed(RunCommand command, Throwable failure, int attempts, Instant firstFailure) {
        FailureClassifier.Kind kind = FailureClassifier.classify(failure);
        int status = FailureClassifier.httpStatus(failure);
        ErrorCode code = kind == FailureClassifier.Kind.PERMANENT ? ErrorCode.AIHUB_REJECTED : ErrorCode.RETRIES_EXHAUSTED;
        String message = describe(command, failure);
        LOG.infof("command %s: submission failed (%s, HTTP %d, %d attempts)", command.commandId(), code, status, attempts);
        return new SubmissionOutcome.Failed(code, status == 0 ? Optional.empty() : Optional.of(status), message,
                attempts, firstFailure);
    }

    /** A description of the failure that quotes no secret: AI Hub's message is scrubbed, transport errors named. */
    private String describe(RunCommand command, Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof AiHubHttpException)) {
            cause = cause.getCause();
        }
        if (cause instanceof AiHubHttpException http) {
            List<String> secrets = new ArrayList<>(command.secrets());
            secrets.addAll(globalSecrets);
            String serviceMessage = SecretScrubber.scrub(http.serviceMessage(), secrets);
            return "AI Hub answered HTTP " + http.status() + (serviceMessage.isEmpty() ? "" : ": " + serviceMessage);
        }
        return "AI Hub call failed: " + cause.getClass().getSimpleName();
    }
}
