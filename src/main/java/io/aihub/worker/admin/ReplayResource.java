package io.aihub.worker.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import io.aihub.worker.replay.DeadLetterReplayer;
import io.aihub.worker.replay.ReplayRequest;
import io.aihub.worker.replay.ReplaySelection;
import io.aihub.worker.replay.ReplaySummary;

/**
 * Dead-letter replay over HTTP: the same operation and options as the {@code replay} command line. Only callers with
 * the admin token ({@link AdminIdentityProvider}) reach it.
 */
@Path("/admin/replay")
@RolesAllowed(AdminIdentityProvider.ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "adminToken")
public class ReplayResource {

    private static final Logger LOG = Logger.getLogger(ReplayResource.class);

    @Inject
    DeadLetterReplayer replayer;

    /** The body: the command line's options. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Body(List<String> commandIds, List<String> codes, Instant from, Instant to, Boolean all,
            Boolean dryRun, Double rate) {
    }

    @POST
    @Operation(summary = "Replay dead letters to the commands topic", description = "Selects dead letters by command ID, error code (aihub-error-code), time written "
            + "[from, to), or all; keeps key, value and headers, renames the dead-letter headers "
            + "(replayed-dead-letter-*) and adds aihub-replayed-from / aihub-replayed-at. A command the ledger "
            + "shows with a run is not submitted again by the worker. Answers when the replay is done.")
    @APIResponse(responseCode = "200", description = "the replay's summary", content = @Content(schema = @Schema(implementation = ReplaySummary.class)))
    @APIResponse(responseCode = "400", description = "an invalid selection or rate")
    @APIResponse(responseCode = "401", description = "no or wrong admin token")
    @APIResponse(responseCode = "409", description = "another replay is running in this process")
    public Response replay(Body body) {
        ReplayRequest request;
        try {
            Body b = body == null ? new Body(null, null, null, null, null, null, null) : body;
            ReplaySelection selection = new ReplaySelection(b.commandIds() == null ? Set.of() : Set.copyOf(b.commandIds()),
                    b.codes() == null ? Set.of() : Set.copyOf(b.codes()), Optional.ofNullable(b.from()),
                    Optional.ofNullable(b.to()), Boolean.TRUE.equals(b.all()));
            request = ReplayRequest.of(selection, Boolean.TRUE.equals(b.dryRun()), Optional.ofNullable(b.rate()));
        } catch (IllegalArgumentException e) {
            return message(Response.Status.BAD_REQUEST, e.getMessage());
        }
        try {
            // Per-record lines at DEBUG (a large replay would flood the log), progress and summary at INFO.
            return Response.ok(replayer.replay(request, line -> {
                if (line.startsWith("replayed ") || line.startsWith("would replay ") || line.startsWith("failed ")) {
                    LOG.debug(line);
                } else {
                    LOG.info(line);
                }
            })).build();
        } catch (DeadLetterReplayer.ReplayRunningException e) {
            return message(Response.Status.CONFLICT, e.getMessage());
        }
    }

    private static Response message(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("message", message)).build();
    }
}
