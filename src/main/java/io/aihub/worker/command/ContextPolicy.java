package io.aihub.worker.command;

import java.util.List;
import java.util.Optional;

/**
 * Which {@code IB-Context} a command may run in. Without an allow-list only the configured default may be used;
 * {@code *} must be configured explicitly to allow any (design.md, guarantee 7). A named context must have the format
 * of an {@code IB-Context} header value whatever the allow-list.
 */
record ContextPolicy(Optional<String> defaultContext, List<String> allowed) {

    String resolve(Optional<String> requested) {
        if (requested.isEmpty()) {
            return defaultContext.orElseThrow(() -> new InvalidCommandException(ErrorCode.CONTEXT_NOT_ALLOWED,
                    "ib_context: required because no default context is configured"));
        }
        String context = IdentifierRules.requireContext(requested.get());
        boolean permitted = allowed.contains("*") || allowed.contains(context)
                || defaultContext.filter(context::equals).isPresent();
        if (!permitted) {
            throw new InvalidCommandException(ErrorCode.CONTEXT_NOT_ALLOWED, "ib_context: not in the allowed contexts");
        }
        return context;
    }
}
