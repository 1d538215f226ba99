package io.aihub.worker.aihub;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.client.api.QuarkusRestClientProperties;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.config.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The worker's way to AI Hub: every operation of the runs API, with the bearer token, the caller's
 * {@code IB-Context}, timeouts and typed errors ({@link AiHubHttpException}; transport failures pass through as
 * they are, for {@link FailureClassifier}). Paged operations are followed to their end. Every call waits for the
 * shared {@link RateLimiter}, reports a 429 to it, and reports its outcome to the {@link OutageDetector}.
 */
@ApplicationScoped
public class AiHubClient {

    /** Upper bound on pages followed in one paged call, so a service that always says "more" cannot loop us. */
    static final int MAX_PAGES = 10_000;

    private final AiHubApi api;
    private final ObjectMapper mapper;
    private final ObjectWriter bodyWriter;
    private final ObjectReader runReader;
    private final ObjectReader runListReader;
    private static final BooleanSupplier ALWAYS_WANTED = () -> true;

    private final RateLimiter limiter;
    private final OutageDetector outage;
    private final Duration requestTimeout;
    private final UntaggedListings untagged;

    @Inject
    public AiHubClient(AiHubConfig config, WorkerConfig worker, ObjectMapper mapper, RateLimiter limiter,
            OutageDetector outage, MeterRegistry registry) {
        this.mapper = mapper;
        this.untagged = new UntaggedListings(registry);
        this.bodyWriter = mapper.writer();
        this.runReader = mapper.readerFor(Run.class);
        this.runListReader = mapper.readerFor(RunList.class);
        this.limiter = limiter;
        this.outage = outage;
        this.requestTimeout = config.requestTimeout();
        String token = config.apiToken().orElseThrow(() -> new IllegalStateException(
                "aihub.api-token (AIHUB_API_TOKEN) is not set: the worker cannot call AI Hub without it"));
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(config.apiRoot())
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // The client's default pool (50) would cap a 256-command window at 50 POSTs at a time.
                .property(QuarkusRestClientProperties.CONNECTION_POOL_SIZE,
                        config.connectionLimit(worker.maxInFlight()))
                .register(new BearerTokenFilter(token))
                .register(new ErrorResponseMapper(mapper, Clock.systemUTC()))
                .build(AiHubApi.class);
        Optional<String> probeContext = config.ibContext();
        outage.probeWith(() -> probe(probeContext));
    }

    /** Sends {@code call} once the rate limiter allows it, and tells the limiter and the detector how it went. */
    private <T> Uni<T> limited(CallKind kind, Supplier<Uni<T>> call) {
        return limited(kind, ALWAYS_WANTED, call);
    }

    private <T> Uni<T> limited(CallKind kind, BooleanSupplier wanted, Supplier<Uni<T>> call) {
        return limiter.acquire(kind, wanted).chain(grantedAt -> Uni.createFrom().deferred(call::get)
                .onItemOrFailure().invoke((item, failure) -> {
                    if (failure != null && FailureClassifier.httpStatus(failure) == 429) {
                        limiter.throttled(grantedAt);
                    }
                    if (kind != CallKind.PROBE) {
                        outage.record(failure);
                    }
                }));
    }

    /**
     * A submission: the gate is asked once the call holds its token, immediately before the request is written
     * (design.md, "Check at the last moment"), and the answer must come within the request timeout from then, so
     * that "last POST start + request timeout" bounds what rule 2c reasons about.
     */
    private Uni<SubmitAnswer> submit(SubmitGate gate, Supplier<Uni<RestResponse<byte[]>>> post) {
        return limited(CallKind.SUBMIT, gate::wanted, () -> gate.open().chain(open -> {
            if (!open) {
                return Uni.createFrom().failure(new NotSentException("its partition moved before it was sent"));
            }
            return Uni.createFrom().<RestResponse<byte[]>> deferred(post::get).map(this::readAnswer)
                    .ifNoItem().after(requestTimeout).fail()
                    .onTermination().invoke(gate::closed);
        })).map(AiHubClient::requireId);
    }

    /**
     * The outage probe: one run of the last minute, the cheapest call AI Hub answers. Without a configured default
     * context it sends no {@code IB-Context} at all (the token's own context), never an empty one.
     */
    Uni<?> probe(Optional<String> context) {
        long now = Clock.systemUTC().instant().getEpochSecond();
        return limited(CallKind.PROBE, () -> api.listRuns(context.orElse(null), null, null, null, null, null, now - 60,
                now + 60, 1, 0, "start_timestamp", "ASCENDING").map(this::readRunList));
    }

    /**
     * Run app: {@code POST /v2/apps/runs}, sent only if {@code gate} opens once the call holds its token; with the
     * status AI Hub answered.
     */
    public Uni<SubmitAnswer> submitApp(String context, JsonNode body, SubmitGate gate) {
        return write(body).chain(json -> submit(gate, () -> api.runApp(context, json)));
    }

    /** Run deployment: {@code POST /v2/apps/deployments/{id}/runs}, as {@link #submitApp}. */
    public Uni<SubmitAnswer> submitDeployment(String context, String deploymentId, JsonNode body, SubmitGate gate) {
        return write(body).chain(json -> submit(gate, () -> api.runDeployment(context, deploymentId, json)));
    }

    /** Run app, for callers that need only the run. */
    public Uni<Run> runApp(String context, JsonNode body, SubmitGate gate) {
        return submitApp(context, body, gate).map(SubmitAnswer::run);
    }

    /** Run deployment, for callers that need only the run. */
    public Uni<Run> runDeployment(String context, String deploymentId, JsonNode body, SubmitGate gate) {
        return submitDeployment(context, deploymentId, body, gate).map(SubmitAnswer::run);
    }

    /** Get run status. */
    public Uni<Run> getRun(String context, String runId) {
        return limited(CallKind.POLL, () -> api.getRun(context, runId).map(this::readRun))
                .onItem().ifNull().failWith(AiHubClient::emptyBody);
    }

    /** Delete run, deleting exactly what {@code options} name (the service's defaults would delete everything). */
    public Uni<DeletedRun> deleteRun(String context, String runId, DeleteOptions options) {
        return limited(CallKind.DELETE, () -> api.deleteRun(context, runId, options.input(), options.output(),
                options.logs(), options.dbData()));
    }

    /** Every page of results, in order, read into the documented fields (see {@link #resultsJson}). */
    public Multi<ResultsPage> results(String context, String runId, ResultsOptions options) {
        return resultsJson(context, runId, options).map(page -> mapper.convertValue(page, ResultsPage.class));
    }

    /**
     * Every page of results as JSON, every field the service sent kept (the typed {@link ResultsPage} keeps only the
     * documented ones), in order, following {@code has_more} with a growing {@code file_offset}.
     */
    public Multi<JsonNode> resultsJson(String context, String runId, ResultsOptions options) {
        AtomicInteger offset = new AtomicInteger();
        AtomicInteger pages = new AtomicInteger();
        return Multi.createBy().repeating()
                .uni(() -> limited(CallKind.RESULTS, () -> api.getResults(context, runId, options.includeReviewResults(),
                        options.includeConfidenceScores(), options.includeValidationResults(),
                        options.includeSourceInfo(), offset.get()))
                        .onItem().ifNull().failWith(AiHubClient::emptyBody)
                        .invoke(page -> {
                            int files = page.path("files").size();
                            if (page.path("has_more").asBoolean(false) && files == 0
                                    || pages.incrementAndGet() > MAX_PAGES) {
                                throw new AiHubProtocolException("results paging does not advance");
                            }
                            offset.addAndGet(files);
                        }))
                .whilst(page -> page.path("has_more").asBoolean(false));
    }

    /** One page of List runs for {@code kind} of use (a bulk refresh, or a search by tag), ordered by start. */
    public Uni<List<Run>> listRunsPage(CallKind kind, String context, ListRunsQuery query, int offset) {
        return limited(kind, () -> api.listRuns(context, query.appId().orElse(null), query.appName().orElse(null),
                query.deploymentId().orElse(null), query.runId().orElse(null),
                query.statuses().isEmpty() ? null : query.statuses(), query.fromTimestampSeconds(),
                query.toTimestampSeconds(), query.limit(), offset, "start_timestamp",
                query.descending() ? "DESCENDING" : "ASCENDING")
                .map(this::readRunList))
                .map(list -> list == null ? List.<Run> of() : list.runsOrEmpty())
                .invoke(untagged::note);
    }

    /**
     * Every run that matches, page by page ({@code offset} += runs received), until a page comes back empty. A short
     * page is not the end: the API has no {@code has_more} for List runs and may serve fewer runs than {@code limit}.
     */
    public Multi<Run> listRuns(String context, ListRunsQuery query) {
        return listRuns(CallKind.LIST, context, query);
    }

    /** Every run that matches, for {@code kind} of use, until an empty page. */
    public Multi<Run> listRuns(CallKind kind, String context, ListRunsQuery query) {
        AtomicInteger offset = new AtomicInteger();
        AtomicInteger pages = new AtomicInteger();
        return Multi.createBy().repeating()
                .uni(() -> listRunsPage(kind, context, query, offset.get()).invoke(page -> {
                    offset.addAndGet(page.size());
                    if (pages.incrementAndGet() > MAX_PAGES && !page.isEmpty()) {
                        throw new AiHubProtocolException("list paging does not end");
                    }
                }))
                .whilst(page -> !page.isEmpty())
                .onItem().transformToIterable(page -> page);
    }

    /** The request body as JSON; a body that cannot be written fails the call (nothing is sent). */
    private Uni<byte[]> write(JsonNode body) {
        try {
            return Uni.createFrom().item(bodyWriter.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("the request body could not be written as JSON"));
        }
    }

    /**
     * An answer's JSON read as {@code what}; {@code null} for an empty body. An unreadable body is a protocol failure
     * (for a submission: outcome unknown), read inside the rate-limited call so that the outage detector counts it;
     * its text is not quoted, as it may echo what was sent.
     */
    private static <T> T read(ObjectReader reader, byte[] json, String what) {
        if (json == null || json.length == 0) {
            return null;
        }
        try {
            return reader.readValue(json);
        } catch (IOException e) {
            throw new AiHubProtocolException("AI Hub answered with a body that is not " + what + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private Run readRun(byte[] json) {
        return read(runReader, json, "a run");
    }

    private SubmitAnswer readAnswer(RestResponse<byte[]> response) {
        return new SubmitAnswer(response.getStatus(), readRun(response.getEntity()));
    }

    private RunList readRunList(byte[] json) {
        return read(runListReader, json, "a run list");
    }

    /** A run answer without an ID cannot be followed: the outcome is unknown, as for an unreadable body. */
    private static SubmitAnswer requireId(SubmitAnswer answer) {
        Run run = answer.run();
        if (run == null || run.id() == null || run.id().isBlank()) {
            throw new AiHubProtocolException("AI Hub answered a submission without a run ID");
        }
        return answer;
    }

    private static AiHubProtocolException emptyBody() {
        return new AiHubProtocolException("AI Hub answered with an empty body");
    }
}
