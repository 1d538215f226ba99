package io.aihub.worker.admin;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.aihub.worker.ledger.LedgerRecord;
import io.aihub.worker.ledger.LedgerView;
import io.aihub.worker.ledger.PartitionOwnership;

/**
 * Run lookup: what the worker knows about a command, and the commands in flight, from the ledger. Only callers with
 * the admin token ({@link AdminIdentityProvider}) reach it.
 */
@Path("/admin/commands")
@RolesAllowed(AdminIdentityProvider.ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin", description = "Operator endpoints; off unless worker.admin.enabled, bearer token required")
@SecurityScheme(securitySchemeName = "adminToken", type = SecuritySchemeType.HTTP, scheme = "bearer", description = "worker.admin.token")
@SecurityRequirement(name = "adminToken")
public class CommandLookupResource {

    /** Most commands one listing returns. */
    static final int MAX_LIMIT = 1000;

    @Inject
    LedgerLookup lookup;

    @Inject
    LedgerView ledger;

    @Inject
    PartitionOwnership ownership;

    /** The commands in flight on this replica, optionally by status. */
    public record InFlight(Set<Integer> partitions, int count, boolean truncated, List<CommandView> commands) {
    }

    @GET
    @Path("/{commandId}")
    @Operation(summary = "What the worker knows about a command", description = "State, run ID, attempts, last status and times, from this replica's ledger view when it "
            + "owns the command's partition, else read from the ledger topic (the partition of the command ID "
            + "as Kafka key).")
    @APIResponse(responseCode = "200", description = "the command's ledger record", content = @Content(schema = @Schema(implementation = CommandView.class)))
    @APIResponse(responseCode = "404", description = "the ledger does not know the command (never received, "
            + "tombstoned after the dedupe window, or produced with a key other than its command ID)")
    @APIResponse(responseCode = "401", description = "no or wrong admin token")
    @APIResponse(responseCode = "503", description = "the ledger topic is being read for other lookups; try again "
            + "after Retry-After")
    public Response get(@Parameter(description = "the command ID") @PathParam("commandId") String commandId) {
        Optional<CommandView> found;
        try {
            found = lookup.find(commandId);
        } catch (LedgerLookup.Busy busy) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                    .type(MediaType.APPLICATION_JSON).entity(Map.of("message", busy.getMessage())).build();
        }
        return found.map(view -> Response.ok(view).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("message", "command " + commandId + " is not in the ledger: never received, "
                                + "removed after the dedupe window, or produced with a Kafka key other than its "
                                + "command ID (then only the replica owning its partition knows it)"))
                        .build());
    }

    @GET
    @Operation(summary = "Commands in flight on this replica", description = "Commands SUBMITTING or TRACKING on the partitions this replica owns (listed in the "
            + "answer); ask every replica for the whole picture. Filter by the AI Hub status (RUNNING, "
            + "STOPPED_AT_CHECKPOINT, ...) or by SUBMITTING.")
    @APIResponse(responseCode = "200", description = "the commands, oldest change first", content = @Content(schema = @Schema(implementation = InFlight.class)))
    @APIResponse(responseCode = "401", description = "no or wrong admin token")
    public InFlight inFlight(
            @Parameter(description = "AI Hub status or SUBMITTING; absent: all in flight") @QueryParam("status") String status,
            @Parameter(description = "most commands returned, at most 1000") @QueryParam("limit") @DefaultValue("100") int limit) {
        int max = Math.max(1, Math.min(limit, MAX_LIMIT));
        List<CommandView> matching = ledger.entries().stream()
                .filter(e -> e.record().state() == LedgerRecord.State.SUBMITTING
                        || e.record().state() == LedgerRecord.State.TRACKING)
                .filter(e -> status == null || status.isBlank() || status.equals(e.record().status())
                        || status.equals(e.record().state().name()))
                .sorted(Comparator.comparingLong(e -> e.record().updatedAt()))
                .map(e -> CommandView.of(e.partition(), e.record(), "replica"))
                .toList();
        return new InFlight(new TreeSet<>(ownership.ownedPartitions()), matching.size(), matching.size() > max,
                matching.subList(0, Math.min(max, matching.size())));
    }
}
