package io.aihub.simulator;

import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Ends a connection without an HTTP answer. {@link #reset} sends a TCP RST (SO_LINGER 0), the way a crashed
 * proxy looks to a client; this needs Vert.x's internal {@code ConnectionBase}, and falls back to a normal close
 * if Vert.x ever changes it. {@link #close} closes normally (the client reads end-of-stream).
 */
final class ConnectionCloser {
    private ConnectionCloser() {
    }

    static void reset(HttpServerRequest request) {
        if (request.connection() instanceof ConnectionBase base) {
            base.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        }
        request.connection().close();
    }

    static void close(HttpServerRequest request) {
        request.connection().close();
    }
}
