package io.aihub.worker;

import io.aihub.worker.replay.ReplayApplication;
import io.aihub.worker.replay.ReplayCommandLine;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of the packaged application. Without arguments it is the worker. With {@code replay} as the first
 * argument it is the dead-letter replay tool: the commands channel is disabled before start-up (SmallRye's
 * {@code mp.messaging.incoming.<channel>.enabled}), so this process never joins the worker's consumer group or
 * submits anything; the HTTP server stays off, and the process exits with the replay's status.
 */
@QuarkusMain
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String... args) {
        if (args.length > 0 && ReplayCommandLine.MODE.equals(args[0])) {
            System.setProperty("mp.messaging.incoming.commands.enabled", "false");
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.console.stderr", "true");
            ReplayCommandLine.bootstrapServers(args)
                    .ifPresent(servers -> System.setProperty("kafka.bootstrap.servers", servers));
            Quarkus.run(ReplayApplication.class, args);
        } else {
            Quarkus.run(args);
        }
    }
}
