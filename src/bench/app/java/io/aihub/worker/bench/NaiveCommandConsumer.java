package io.aihub.worker.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.Run;
import io.aihub.worker.aihub.SubmitGate;
import io.aihub.worker.command.CommandParser;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.Target;
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventPublisher;
import io.aihub.worker.event.EventType;
import io.aihub.worker.submit.RunRequestFactory;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * The naive baseline of the benchmark: a plain {@code @Incoming} + {@code @Blocking} method that parses a command,
 * submits it with the worker's {@link AiHubClient}, waits for the answer and publishes the same {@code submitted}
 * CloudEvent through the worker's {@link EventPublisher}. No ledger, no retries, no tracking. Its channel
 * {@value #CHANNEL} is disabled unless the harness enables it (and then it disables the worker's {@code commands}
 * channel); it is compiled only by the {@code bench} Maven profile, so it never exists in the production package.
 * Concurrency is the size of the {@value #POOL} worker pool ({@code smallrye.messaging.worker.bench-naive.max-concurrency},
 * 1 for the headline figure).
 */
@ApplicationScoped
public class NaiveCommandConsumer {

    /** The incoming channel; configured entirely by the harness. */
    public static final String CHANNEL = "bench-naive";
    /** The worker pool whose max concurrency is the naive baseline's in-flight limit. */
    public static final String POOL = "bench-naive";

    private static final Logger LOG = Logger.getLogger(NaiveCommandConsumer.class);

    private final CommandParser parser;
    private final AiHubClient client;
    private final EventPublisher events;
    private final Duration timeout;
    private final Clock clock = Clock.tickMillis(ZoneOffset.UTC);

    @Inject
    public NaiveCommandConsumer(CommandParser parser, AiHubClient client, EventPublisher events, AiHubConfig config) {
        this.parser = parser;
        this.client = client;
        this.events = events;
        this.timeout = config.requestTimeout().plusSeconds(5);
    }

    /** One command at a time per pool thread: submit, wait, publish, wait; the record is acknowledged after. */
    @Incoming(CHANNEL)
    @Blocking(value = POOL, ordered = false)
    public void consume(ConsumerRecord<byte[], byte[]> record) {
        ParseResult result = parser.parse(record.value(), record.headers());
        if (!(result instanceof ParseResult.Parsed parsed)) {
            LOG.warnf("naive baseline: record %d/%d is not a valid command; skipped", record.partition(),
                    record.offset());
            return;
        }
        RunCommand command = parsed.command();
        Run run = (command.target() instanceof Target.Deployment deployment
                ? client.runDeployment(command.ibContext(), deployment.deploymentId(), RunRequestFactory.body(command),
                        SubmitGate.always())
                : client.runApp(command.ibContext(), RunRequestFactory.body(command), SubmitGate.always()))
                .await().atMost(timeout);
        // No partitions to lose: the baseline has no leases, so a full buffer is always waited out.
        events.publish(EventFactory.forRun(command, 1, EventType.SUBMITTED, run, Optional.empty(), 1, clock.instant()),
                () -> true).await().atMost(timeout);
    }
}
