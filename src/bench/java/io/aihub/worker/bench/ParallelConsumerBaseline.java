package io.aihub.worker.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.aihub.worker.aihub.Run;
import io.aihub.worker.command.CommandParser;
import io.aihub.worker.command.CommandValidator;
import io.aihub.worker.command.ParseResult;
import io.aihub.worker.command.RunCommand;
import io.aihub.worker.command.SecretMasking;
import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.config.WorkerConfig;
import io.aihub.worker.event.EventFactory;
import io.aihub.worker.event.EventType;
import io.aihub.worker.event.StatusEvent;
import io.aihub.worker.submit.RunRequestFactory;
import io.confluent.parallelconsumer.ParallelConsumer;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import io.confluent.parallelconsumer.vertx.VertxParallelStreamProcessor;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Future;

/**
 * The second baseline: a worker on Confluent Parallel Consumer, by default its Vert.x module
 * ({@code parallel-consumer-vertx}: the user function returns a future, so no thread is held per command in flight;
 * {@code -Dbench.pc-threads=true} runs the former {@code parallel-consumer-core} variant), unordered, with
 * {@code maxConcurrency} commands in flight. Each command is parsed and validated by the worker's own
 * {@link CommandParser}, submitted with the same body ({@link RunRequestFactory}) through the JDK's asynchronous
 * HTTP client, and answered by the same {@code submitted} event ({@link EventFactory}, CloudEvents binary mode, the
 * headers SmallRye writes). No ledger and no tracking: it is the plain "submit in parallel" design. Parallel Consumer
 * core runs user functions on its own thread pool, so each in-flight command holds a pool thread while its HTTP
 * call (asynchronous on the wire) and its event send complete.
 *
 * <p>
 * Settings are system properties: {@code kafka.bootstrap.servers}, {@code bench.topic.commands},
 * {@code bench.topic.events}, {@code bench.group-id}, {@code bench.max-in-flight}, and the worker's own
 * {@code aihub.api-root}, {@code aihub.api-token}, {@code aihub.ib-context}.
 */
public final class ParallelConsumerBaseline {

    private static final DateTimeFormatter CE_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private ParallelConsumerBaseline() {
    }

    public static void main(String[] args) throws Exception {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultSources().addDiscoveredConverters()
                .withMapping(WorkerConfig.class).withMapping(AiHubConfig.class).build();
        WorkerConfig worker = config.getConfigMapping(WorkerConfig.class);
        AiHubConfig aihub = config.getConfigMapping(AiHubConfig.class);
        String bootstrap = System.getProperty("kafka.bootstrap.servers");
        String commands = System.getProperty("bench.topic.commands");
        String events = System.getProperty("bench.topic.events");
        int maxInFlight = Integer.getInteger("bench.max-in-flight", 256);
        String token = aihub.apiToken().orElseThrow(() -> new IllegalStateException("aihub.api-token is not set"));

        CommandParser parser = new CommandParser(worker, new CommandValidator(aihub, worker, new SecretMasking(aihub, worker)));
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(aihub.connectTimeout()).build();
        URI runApp = URI.create(aihub.apiRoot().toString().replaceAll("/$", "") + "/v2/apps/runs");
        Clock clock = Clock.tickMillis(ZoneOffset.UTC);
        Duration timeout = aihub.requestTimeout();
        String source = worker.eventSource().toString();

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, System.getProperty("bench.group-id", "aihub-bench-pc"),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // The same producer settings as the worker's events channel: acks=all, idempotent.
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
        ParallelConsumerOptions<byte[], byte[]> options = ParallelConsumerOptions.<byte[], byte[]> builder()
                .consumer(consumer)
                .ordering(ProcessingOrder.UNORDERED)
                .maxConcurrency(maxInFlight)
                .commitMode(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
                .build();
        // One command: parse, POST, read the run, send the event; completes when the event is acknowledged.
        java.util.function.Function<ConsumerRecord<byte[], byte[]>, CompletableFuture<Void>> handle = record -> {
            ParseResult result = parser.parse(record.value(), record.headers());
            if (!(result instanceof ParseResult.Parsed parsed)) {
                return CompletableFuture.completedFuture(null);
            }
            RunCommand command = parsed.command();
            try {
                HttpRequest post = HttpRequest.newBuilder(runApp).timeout(timeout)
                        .header("Authorization", "Bearer " + token)
                        .header("IB-Context", command.ibContext())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                json.writeValueAsBytes(RunRequestFactory.body(command))))
                        .build();
                return http.sendAsync(post, HttpResponse.BodyHandlers.ofByteArray()).thenCompose(response -> {
                    CompletableFuture<Void> sent = new CompletableFuture<>();
                    try {
                        if (response.statusCode() / 100 != 2) {
                            throw new IllegalStateException("AI Hub answered HTTP " + response.statusCode());
                        }
                        Run run = json.readValue(response.body(), Run.class);
                        StatusEvent event = EventFactory.forRun(command, 1, EventType.SUBMITTED, run,
                                Optional.empty(), 1, clock.instant());
                        producer.send(cloudEvent(events, source, event, json), (metadata, error) -> {
                            if (error != null) {
                                sent.completeExceptionally(error);
                            } else {
                                sent.complete(null);
                            }
                        });
                    } catch (Exception e) {
                        sent.completeExceptionally(e);
                    }
                    return sent;
                });
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        ParallelConsumer<byte[], byte[]> processor;
        if (Boolean.parseBoolean(System.getProperty("bench.pc-threads", "false"))) {
            // parallel-consumer-core: each command holds a pool thread until its call and event send complete.
            ParallelStreamProcessor<byte[], byte[]> core = ParallelStreamProcessor.createEosStreamProcessor(options);
            core.subscribe(List.of(commands));
            core.poll(context -> {
                try {
                    handle.apply(context.getSingleConsumerRecord()).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (Exception e) {
                    throw new IllegalStateException("command failed: " + e, e);
                }
            });
            processor = core;
        } else {
            // parallel-consumer-vertx: the user function returns a future, so no thread waits per command in flight.
            VertxParallelStreamProcessor<byte[], byte[]> vertx = VertxParallelStreamProcessor
                    .createEosStreamProcessor(options);
            vertx.subscribe(List.of(commands));
            vertx.vertxFuture(context -> Future.fromCompletionStage(handle.apply(context.getSingleConsumerRecord())));
            processor = vertx;
        }
        System.out.println("parallel-consumer baseline polling " + commands + " with " + maxInFlight + " in flight");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processor.closeDrainFirst(Duration.ofSeconds(10));
            producer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }, "pc-shutdown"));
        stopped.await(365, TimeUnit.DAYS);
    }

    /** The record SmallRye's binary CloudEvents mode writes for the worker's events channel. */
    static ProducerRecord<String, byte[]> cloudEvent(String topic, String source, StatusEvent event, ObjectMapper json)
            throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.commandId(),
                json.writeValueAsBytes(event.data()));
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", event.id());
        header(record, "ce_type", event.type().ceType());
        header(record, "ce_source", source);
        header(record, "ce_subject", event.commandId());
        header(record, "ce_time", CE_TIME.format(event.time().atZone(ZoneOffset.UTC)));
        header(record, "content-type", "application/json");
        return record;
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
