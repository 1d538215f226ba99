package io.aihub.worker.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The options of {@code replay}, the command-line mode of the packaged application. Pure parsing, no I/O; a bad
 * option is an {@link IllegalArgumentException} whose message says what to fix.
 */
public final class ReplayCommandLine {

    /** The first argument that selects the replay mode. */
    public static final String MODE = "replay";

    /** Usage text. */
    public static final String USAGE = """
            usage: java -jar quarkus-run.jar replay [selection] [options]
              selection (criteria together must all hold; repeat --command-id/--code for alternatives):
                --command-id ID        dead letters of this command ID
                --code CODE            dead letters with this aihub-error-code (e.g. AIHUB_REJECTED)
                --from TIME --to TIME  dead letters written in [from, to), ISO-8601 (2026-01-31T12:00:00Z)
                --all                  every dead letter
              options:
                --dry-run              list what would be replayed; publish nothing
                --rate N               at most N records per second (default 50)
                --progress-every N     a progress line every N dead letters read (default 1000; also every 5 s)
                --bootstrap-servers H  Kafka bootstrap servers (default: kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS)
            exit status: 0 done, 1 some records failed or Kafka could not be read, 2 bad options""";

    private ReplayCommandLine() {
    }

    /** Parsed options. {@code bootstrapServers} is applied before the application starts. */
    public record Options(ReplayRequest request, Optional<String> bootstrapServers) {
    }

    /** Parses the arguments that follow {@code replay} (a leading {@code replay} is skipped). */
    public static Options parse(String... args) {
        Set<String> ids = new HashSet<>();
        Set<String> codes = new HashSet<>();
        Optional<Instant> from = Optional.empty();
        Optional<Instant> to = Optional.empty();
        boolean all = false;
        boolean dryRun = false;
        double rate = ReplayRequest.DEFAULT_RATE;
        int progressEvery = ReplayRequest.DEFAULT_PROGRESS_EVERY;
        Optional<String> bootstrap = Optional.empty();
        int start = args.length > 0 && MODE.equals(args[0]) ? 1 : 0;
        for (int i = start; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--command-id" -> ids.add(value(args, ++i, arg));
                case "--code" -> codes.add(value(args, ++i, arg));
                case "--from" -> from = Optional.of(instant(value(args, ++i, arg), arg));
                case "--to" -> to = Optional.of(instant(value(args, ++i, arg), arg));
                case "--all" -> all = true;
                case "--dry-run" -> dryRun = true;
                case "--rate" -> rate = number(value(args, ++i, arg), arg);
                case "--progress-every" -> progressEvery = (int) number(value(args, ++i, arg), arg);
                case "--bootstrap-servers" -> bootstrap = Optional.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        ReplaySelection selection = new ReplaySelection(ids, codes, from, to, all);
        return new Options(new ReplayRequest(selection, dryRun, rate, progressEvery), bootstrap);
    }

    /** The value of {@code --bootstrap-servers}, if given, without validating the rest. */
    public static Optional<String> bootstrapServers(String... args) {
        for (int i = 0; i < args.length - 1; i++) {
            if ("--bootstrap-servers".equals(args[i])) {
                return Optional.of(args[i + 1]);
            }
        }
        return Optional.empty();
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static Instant instant(String text, String option) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static double number(String text, String option) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number");
        }
    }
}
