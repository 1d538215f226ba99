package io.aihub.worker.submit;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.aihub.worker.aihub.TagSearch;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.config.StartupChecks;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.SubmissionGuard;
import io.aihub.worker.observability.CommandLog;
import io.smallrye.mutiny.Uni;

/**
 * Submits a replayed command whose ledger says {@code SUBMISSION_FAILED} again. Its failure may have followed an
 * unknown outcome (retries exhausted after timeouts), and the compact ledger entry of an ended command no longer
 * says which, so a run with the command's tag is always searched for first (one List runs search, harmless after a
 * permanent 4xx); a run found is adopted, none found means a new submission.
 */
@ApplicationScoped
public class ReplayReopening {

    private static final Logger LOG = Logger.getLogger(ReplayReopening.class);

    private final Submitter submitter;
    /** How far before the failure its first POST may have been: the longest a submission may take. */
    private final Duration lookBack;

    @Inject
    public ReplayReopening(Submitter submitter, WorkerConfig worker, AiHubConfig aihub) {
        this.submitter = submitter;
        this.lookBack = StartupChecks.longestSubmission(worker.retry(), aihub.requestTimeout());
    }

    /** The outcome of the reopened command: a run found by its tag, or a new submission's. */
    public Uni<SubmissionOutcome> submit(RunCommand command, LedgerRecord failed, SubmissionGuard guard) {
        Instant since = Instant.ofEpochMilli(failed.updatedAt()).minus(lookBack);
        return submitter.searchExisting(command, since)
                .chain(search -> {
                    if (search instanceof TagSearch.Found found) {
                        CommandLog.info(LOG, command.commandId(), found.run().id(),
                                "replay found run %s by its tag; adopted, nothing posted", found.run().id());
                        return Uni.createFrom().<SubmissionOutcome> item(new SubmissionOutcome.Submitted(found.run(),
                                Math.max(1, failed.attempts())));
                    }
                    // A listing without tags proves nothing: reconciliation decides, and it never posts blindly.
                    return search instanceof TagSearch.NotFound ? submitter.submit(command, guard)
                            : submitter.resume(command, since, guard);
                })
                // The search failed: reconcile the way a command found submitting is, retrying the search first.
                .onFailure().recoverWithUni(failure -> submitter.resume(command, since, guard));
    }
}
