package io.aihub.worker.command;

import java.util.regex.Pattern;

/**
 * Formats of the values a command sends to AI Hub outside the request body: {@code deployment_id} is a segment of the
 * request path, {@code app_id} a query parameter of List runs, {@code ib_context} a header. The REST client
 * percent-encodes path and query values, but it leaves dots alone, so {@code ..} would be a dot segment that servers
 * and proxies resolve; header values must be HTTP tokens. These hold whatever the context allow-list says ({@code *}
 * included).
 */
final class IdentifierRules {

    private static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** Letters, digits, {@code . _ -}; not starting with a dot, so never {@code .} or {@code ..}. */
    private static final Pattern ID = Pattern.compile("(?!\\.)[A-Za-z0-9._-]{1,128}");
    private static final String ID_RULE = "1-128 characters of A-Z a-z 0-9 . _ -, not starting with '.'";

    /** An HTTP token (RFC 9110, section 5.6.2): no space, no separator, no control character. */
    private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
    private static final String CONTEXT_RULE = "1-128 characters of A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ ` | ~"
            + " (an HTTP token)";

    private IdentifierRules() {
    }

    static boolean isValidCommandId(String id) {
        return COMMAND_ID.matcher(id).matches();
    }

    /** {@code id} when it is a valid {@code command_id}, the idempotency key. */
    static String requireCommandId(String id) {
        if (!isValidCommandId(id)) {
            throw CommandValidator.invalid("command_id: 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
        return id;
    }

    /** {@code value} of {@code field} ({@code deployment_id}, {@code app_id}) when it has the ID format. */
    static String requireId(String field, String value) {
        if (!ID.matcher(value).matches()) {
            throw CommandValidator.invalid(field + ": " + ID_RULE);
        }
        return value;
    }

    /** {@code context} when it can be sent as the {@code IB-Context} header. */
    static String requireContext(String context) {
        if (!CONTEXT.matcher(context).matches()) {
            throw CommandValidator.invalid("ib_context: " + CONTEXT_RULE);
        }
        return context;
    }
}
