package io.aihub.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One HTTP/1.1 request written byte for byte on a plain socket, so that no client library normalises or re-encodes
 * its path ({@code /%2e/admin}, {@code /x/../admin}, {@code //admin} reach the server as written). Answers the status
 * code of the response.
 */
public final class RawHttp {

    private static final int TIMEOUT_MS = 30_000;

    private RawHttp() {
    }

    /** Sends {@code method rawPath} to {@code 127.0.0.1:port}, with a JSON body for a POST; the response's status. */
    public static int status(int port, String method, String rawPath, Optional<String> authorization, String jsonBody) {
        byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = new StringBuilder()
                .append(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Connection: close\r\n");
        authorization.ifPresent(value -> request.append("Authorization: ").append(value).append("\r\n"));
        if (body.length > 0) {
            request.append("Content-Type: application/json\r\n").append("Content-Length: ").append(body.length)
                    .append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
                throw new IllegalStateException("not an HTTP response to " + method + " " + rawPath + ": " + statusLine);
            }
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + rawPath, e);
        }
    }
}
