package io.aihub.worker.aihub;

/** AI Hub answered 2xx with something the worker cannot use (empty or unreadable body, paging that never ends). */
public final class AiHubProtocolException extends RuntimeException {

    public AiHubProtocolException(String message) {
        super(message, null, false, false);
    }
}
