package io.aihub.worker.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.worker.aihub.AiHubClient;
import io.aihub.worker.aihub.FailureClassifier;
import io.aihub.worker.aihub.ResultsOptions;
import io.aihub.worker.command.ResultsRequest;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.config.ResultsConfig;
import io.aihub.worker.observability.CommandLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes a COMPLETE run's results to the {@value #CHANNEL} channel when its command asks for them: every results
 * page is fetched, one record per input file (split into parts above {@code worker.results.max-record-bytes}), keyed
 * by command ID, and every record is acknowledged by the broker before the {@code completed} event that counts them
 * is published (the tracker publishes it after this completes). A crash in between makes the next owner fetch and
 * publish again: the topic is at-least-once, and the run ID, file index and part headers let a consumer dedupe.
 */
@ApplicationScoped
public class ResultsPublisher {

    /** The outgoing channel of run results. */
    public static final String CHANNEL = "results";

    private static final Logger LOG = Logger.getLogger(ResultsPublisher.class);
    private static final int MAX_FAILING_RUNS = 10_000;

    private final MutinyEmitter<byte[]> emitter;
    private final AiHubClient client;
    private final ObjectMapper mapper;
    private final ResultsConfig config;
    private final MeterRegistry registry;
    /** Failed attempts per run; an entry lives only while its run waits for its completed event. */
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    @Inject
    public ResultsPublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024) MutinyEmitter<byte[]> emitter,
            AiHubClient client, ObjectMapper mapper, ResultsConfig config,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.client = client;
        this.mapper = mapper;
        this.config = config;
        this.registry = registry;
    }

    /**
     * The terminal event to publish: {@code event} itself, or for a {@code completed} run whose command asks for
     * results, {@code event} with a {@code results} summary once every result record is acknowledged. Fails when
     * results could not be published and attempts remain (the tracker's next poll tries again); after the last
     * attempt the event says why they are missing, so a missing result is never silent.
     */
    public Uni<StatusEvent> attach(RunCommand command, String runId, StatusEvent event, BooleanSupplier owned) {
        ResultsRequest wanted = command.results();
        if (!wanted.publish() || event.type() != EventType.COMPLETED) {
            return Uni.createFrom().item(event);
        }
        ResultsOptions options = new ResultsOptions(wanted.includeReviewResults(), wanted.includeConfidenceScores(),
                wanted.includeValidationResults(), wanted.includeSourceInfo());
        Tally tally = new Tally();
        return client.resultsJson(command.ibContext(), runId, options)
                .onItem().transformToUniAndConcatenate(page -> publishPage(command.commandId(), runId, page, tally, owned))
                .collect().last()
                .map(ignored -> {
                    failures.remove(runId);
                    CommandLog.info(LOG, command.commandId(), runId, "run %s results published: %d records, %d files, "
                            + "%d ERROR fields", runId, tally.records.get(), tally.files.get(), tally.errorFields.get());
                    count("published", tally.records.get());
                    return withResults(event, new EventData.Results(true, tally.records.get(), tally.files.get(),
                            tally.errorFields.get(), tally.errorFields.get() > 0, null));
                })
                .onFailure().recoverWithUni(failure -> {
                    if (failures.size() >= MAX_FAILING_RUNS) {
                        // Entries of runs that moved to another replica are never removed here; dropping the counts
                        // only grants those runs more attempts, so a crude reset keeps the map bounded.
                        failures.clear();
                    }
                    int attempts = failures.merge(runId, 1, Integer::sum);
                    int status = FailureClassifier.httpStatus(failure);
                    if (attempts < config.maxAttempts()) {
                        CommandLog.warn(LOG, command.commandId(), runId, "results of run %s not published (attempt %d,"
                                + " HTTP %d, %s); the next poll tries again", runId, attempts, status,
                                failure.getClass().getSimpleName());
                        return Uni.createFrom().failure(failure);
                    }
                    failures.remove(runId);
                    CommandLog.error(LOG, command.commandId(), runId, "results of run %s could not be published after"
                            + " %d attempts (HTTP %d, %s); the completed event says so", runId, attempts, status,
                            failure.getClass().getSimpleName());
                    count("failed", 0);
                    return Uni.createFrom().item(withResults(event, new EventData.Results(false,
                            tally.records.get(), tally.files.get(), tally.errorFields.get(),
                            tally.errorFields.get() > 0, new EventData.Error("RESULTS_UNAVAILABLE",
                                    status == 0 ? null : status, "results could not be fetched or published after "
                                            + attempts + " attempts"))));
                });
    }

    private Uni<Void> publishPage(String commandId, String runId, JsonNode page, Tally tally,
            BooleanSupplier owned) {
        List<Uni<Void>> sends = new ArrayList<>();
        for (JsonNode file : page.path("files")) {
            int index = tally.files.getAndIncrement();
            var records = ResultRecords.of(mapper, commandId, runId, index, file, config.maxRecordBytes());
            tally.errorFields.addAndGet(ResultRecords.errorFields(file));
            for (ResultRecords.ResultRecord record : records) {
                sends.add(send(commandId, record, owned).invoke(() -> tally.records.incrementAndGet()));
            }
        }
        if (sends.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Sent in order from one producer with idempotence on, so a page's records keep their order on the partition;
        // the page is done when all are acknowledged.
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private Uni<Void> send(String commandId, ResultRecords.ResultRecord record, BooleanSupplier owned) {
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(commandId)
                .withHeaders(headers)
                .build();
        // A page may hold more records than the buffer: the rest wait for room instead of failing the attempt.
        Message<byte[]> message = Message.of(record.value(), Metadata.of(metadata));
        return BufferedSend.whenRoom(emitter, owned, () -> emitter.sendMessage(message));
    }

    private static StatusEvent withResults(StatusEvent event, EventData.Results results) {
        return new StatusEvent(event.commandId(), event.sequence(), event.type(), event.time(),
                event.data().withResults(results));
    }

    private void count(String outcome, int records) {
        Counter.builder("aihub.results.runs").description("Runs whose results were published, or not, by outcome")
                .tag("outcome", outcome).register(registry).increment();
        Counter.builder("aihub.results.records").description("Result records written to the results topic")
                .register(registry).increment(records);
    }

    private static final class Tally {
        final AtomicInteger records = new AtomicInteger();
        final AtomicInteger files = new AtomicInteger();
        final AtomicInteger errorFields = new AtomicInteger();
    }
}
