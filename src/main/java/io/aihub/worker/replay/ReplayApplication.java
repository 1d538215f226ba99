package io.aihub.worker.replay;

import java.io.PrintStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.QuarkusApplication;

/**
 * The {@code replay} command-line mode: parses the options, runs one replay, prints a line per selected dead letter,
 * progress and a summary, and returns the exit status. The worker's consumers are off in this mode
 * ({@code io.aihub.worker.WorkerMain}).
 */
@ApplicationScoped
public class ReplayApplication implements QuarkusApplication {

    private final DeadLetterReplayer replayer;

    @Inject
    public ReplayApplication(DeadLetterReplayer replayer) {
        this.replayer = replayer;
    }

    @Override
    public int run(String... args) {
        return run(System.out, System.err, args);
    }

    /** Runs the replay the arguments describe; 0 done, 1 failures, 2 bad options. */
    public int run(PrintStream out, PrintStream err, String... args) {
        ReplayCommandLine.Options options;
        try {
            options = ReplayCommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("replay: " + e.getMessage());
            err.println(ReplayCommandLine.USAGE);
            return 2;
        }
        try {
            ReplaySummary summary = replayer.replay(options.request(), out::println);
            return summary.failed() == 0 ? 0 : 1;
        } catch (RuntimeException e) {
            err.println("replay failed: " + e.getMessage());
            return 1;
        }
    }
}
