package io.aihub.worker.aihub;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * The AI Hub runs API (v2), relative to the API root. A {@code null} context leaves the {@code IB-Context} header out
 * (the caller's own context applies), rather than sending it empty. Package-private: callers go through {@link AiHubClient},
 * which owns credentials, timeouts and error classification. {@code Authorization} is added by a filter so the
 * token never travels through method arguments.
 * <p>
 * The hot calls send and receive JSON as bytes: {@link AiHubClient} reads and writes them with Jackson readers built
 * once, cheaper than the client's Jackson provider per call (docs/benchmarks.md).
 */
@Path("/v2/apps")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RegisterRestClient(configKey = "aihub")
interface AiHubApi {

    String CONTEXT = "IB-Context";

    /** The answer with its status: the service documents 200 here, and the metric records what it really sent. */
    @POST
    @Path("/runs")
    Uni<RestResponse<byte[]>> runApp(@HeaderParam(CONTEXT) String context, byte[] body);

    @POST
    @Path("/deployments/{deploymentId}/runs")
    Uni<RestResponse<byte[]>> runDeployment(@HeaderParam(CONTEXT) String context,
            @PathParam("deploymentId") String deploymentId, byte[] body);

    @GET
    @Path("/runs/{runId}")
    Uni<byte[]> getRun(@HeaderParam(CONTEXT) String context, @PathParam("runId") String runId);

    /** Get one page of run results as the service sent them, every field kept (what the results topic publishes). */
    @GET
    @Path("/runs/{runId}/results")
    Uni<JsonNode> getResults(@HeaderParam(CONTEXT) String context, @PathParam("runId") String runId,
            @QueryParam("include_review_results") boolean includeReviewResults,
            @QueryParam("include_confidence_scores") boolean includeConfidenceScores,
            @QueryParam("include_validation_results") boolean includeValidationResults,
            @QueryParam("include_source_info") boolean includeSourceInfo,
            @QueryParam("file_offset") int fileOffset);

    @GET
    @Path("/runs")
    Uni<byte[]> listRuns(@HeaderParam(CONTEXT) String context,
            @QueryParam("app_id") String appId,
            @QueryParam("app_name") String appName,
            @QueryParam("deployment_id") String deploymentId,
            @QueryParam("run_id") String runId,
            @QueryParam("status") List<String> statuses,
            @QueryParam("from_timestamp") long fromTimestamp,
            @QueryParam("to_timestamp") long toTimestamp,
            @QueryParam("limit") int limit,
            @QueryParam("offset") int offset,
            @QueryParam("sort_by") String sortBy,
            @QueryParam("order") String order);

    /** Every {@code delete_*} flag is sent: the service takes a missing one as {@code true}. */
    @DELETE
    @Path("/runs/{runId}")
    Uni<DeletedRun> deleteRun(@HeaderParam(CONTEXT) String context, @PathParam("runId") String runId,
            @QueryParam("delete_input") boolean deleteInput,
            @QueryParam("delete_output") boolean deleteOutput,
            @QueryParam("delete_logs") boolean deleteLogs,
            @QueryParam("delete_db_data") boolean deleteDbData);
}
