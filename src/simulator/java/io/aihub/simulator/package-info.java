/**
 * The AI Hub simulator: the runs API of {@code docs/aihub-api.md} on a plain Vert.x server, for tests, the local
 * run, benchmarks and users' staging. Off in production.
 *
 * <h2>Scenarios</h2>
 * The app name (else app ID, else deployment ID) of a run picks its schedule, case-insensitively, first match
 * in this order: {@code forever} (RUNNING forever), {@code checkpoint} (RUNNING, STOPPED_AT_CHECKPOINT, RUNNING,
 * COMPLETE), {@code unknown-status} (RUNNING, WEIRD_NEW_STATUS, COMPLETE), {@code cancel} (RUNNING, CANCELLED),
 * {@code fail} (RUNNING, FAILED), anything else (RUNNING, COMPLETE); one phase lasts
 * {@link io.aihub.simulator.SimulatorSettings#phaseDuration()}. Orthogonal flags in the same name:
 * {@code zero-finish} reports {@code finish_timestamp: 0} instead of null while running; {@code error-fields}
 * puts {@code ERROR} values into the results. Names starting with {@code missing} are unknown apps or deployments
 * (404); a deployment ID containing {@code mailbox} needs a millisecond window with
 * {@code manual_upstream_integration}.
 *
 * <h2>What it accepts, and choices where the contract is silent</h2>
 * It accepts what the API accepts: body fields, {@code settings} keys and query parameters it does not know are
 * ignored ({@link io.aihub.simulator.SimulatorSettings#strict()} refuses them instead, 400, for tests that want to
 * catch a client sending what the contract does not name). Types are checked (400). {@code IB-Context} is optional
 * (the caller's own context, {@link io.aihub.simulator.SimulatorSettings#defaultContext()}); a context outside the
 * allowed list is a 401. A run asked for under another context: 404. Results of a run that is not COMPLETE: 200 with
 * its status and no files. List runs without {@code order}: newest first. A connection closed without an answer is
 * recorded with status {@link io.aihub.simulator.RecordedRequest#NO_RESPONSE}.
 *
 * <h2>Faults</h2>
 * {@link io.aihub.simulator.FaultRule}s with a {@link io.aihub.simulator.FaultAction}: latency, errors, resets, and
 * the faults that follow a run's creation (a lost, late, garbled or error answer), plus List runs that lags behind
 * new runs or serves pages shorter than {@code limit}. Tests add them through {@link
 * io.aihub.simulator.SimulatorServer#faults()}, other processes through {@code POST /_sim/faults}.
 *
 * <h2>Faults</h2>
 * {@link io.aihub.simulator.FaultRule}s with a {@link io.aihub.simulator.FaultAction}: latency, errors, resets, and
 * the faults that follow a run's creation (a lost, late, garbled or error answer), plus List runs that lags behind
 * new runs or serves pages shorter than {@code limit}. Tests add them through {@link
 * io.aihub.simulator.SimulatorServer#faults()}, other processes through {@code POST /_sim/faults}.
 *
 * <h2>Admin routes</h2>
 * With an admin token configured, {@code X-Sim-Admin-Token} opens {@code GET /_sim/requests/summary},
 * {@code GET /_sim/runs/by-tag/{tag}}, {@code POST /_sim/faults}, {@code DELETE /_sim/faults}, and for benchmarks
 * {@code GET /_sim/stats} (requests by route, the busiest second, calls per run), {@code GET /_sim/runs/created}
 * (CSV {@code command_id,run_id,response_epoch_micros}) and {@code POST /_sim/reset}; without one they answer 404.
 * {@link io.aihub.simulator.SimulatorMain} runs the simulator as its own process.
 */
package io.aihub.simulator;
