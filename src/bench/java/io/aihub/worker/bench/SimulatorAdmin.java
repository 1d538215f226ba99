package io.aihub.worker.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The simulator process's admin routes as the harness uses them: reset, stats, and the response time of each run. */
final class SimulatorAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    SimulatorAdmin(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    /** True once the simulator answers its admin routes. */
    boolean answers() {
        try {
            return send(request("/_sim/stats").GET()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    void reset() throws IOException {
        expect(send(request("/_sim/reset").POST(HttpRequest.BodyPublishers.noBody())), 204);
    }

    JsonNode stats() throws IOException {
        HttpResponse<String> response = send(request("/_sim/stats").GET());
        expect(response, 200);
        return JSON.readTree(response.body());
    }

    /** Command ID to the Unix microsecond the simulator answered its submission. */
    Map<String, Long> responseMicrosByCommand() throws IOException {
        HttpResponse<String> response = send(request("/_sim/runs/created").GET());
        expect(response, 200);
        Map<String, Long> byCommand = new HashMap<>();
        response.body().lines().skip(1).forEach(line -> {
            String[] fields = line.split(",");
            byCommand.put(fields[0], Long.parseLong(fields[2]));
        });
        return byCommand;
    }

    /** How many of {@code commandIds} the simulator has seen a worker learn the status of after {@code sinceMs}. */
    long observedSince(long sinceMs, java.util.Set<String> commandIds) throws IOException {
        HttpResponse<String> response = send(request("/_sim/runs/observed").GET());
        expect(response, 200);
        return response.body().lines().skip(1).map(line -> line.split(","))
                .filter(f -> commandIds.contains(f[0]) && Long.parseLong(f[3]) > sinceMs).count();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("X-Sim-Admin-Token", token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void expect(HttpResponse<String> response, int status) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException("simulator answered " + response.statusCode() + " to " + response.uri());
        }
    }
}
