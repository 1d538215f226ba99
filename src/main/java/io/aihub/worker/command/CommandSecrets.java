package io.aihub.worker.command;

import java.util.List;
import java.util.Set;

/**
 * The secrets of one command (secret key names, PDF passwords), and the masking of them — and of the API token — in
 * text that came from AI Hub, whose messages may echo the request. A command read from its record knows the values
 * and masks them and their JSON-escaped echoes. A command resumed from the ledger, which holds no secret, knows only
 * their keyed fingerprints, and masks any stretch of text whose fingerprint matches ({@link SecretMasking}).
 */
public final class CommandSecrets {

    /** A command without secrets whose text is not masked at all: for tests of other concerns. */
    public static final CommandSecrets NONE = new CommandSecrets(null, "", Set.of(), List.of(), List.of());

    static final String MASK = "***";

    private final SecretMasking masking;
    private final String commandId;
    private final Set<String> values;
    private final List<String> echoes;
    private final List<String> fingerprints;

    CommandSecrets(SecretMasking masking, String commandId, Set<String> values, List<String> echoes,
            List<String> fingerprints) {
        this.masking = masking;
        this.commandId = commandId;
        this.values = Set.copyOf(values);
        this.echoes = List.copyOf(echoes);
        this.fingerprints = List.copyOf(fingerprints);
    }

    /** The secret values, when this command was read from its record (empty after a restore). */
    public Set<String> values() {
        return values;
    }

    /** Keyed fingerprints of the secrets' echoes: what the ledger keeps so a resumed command can still mask them. */
    public List<String> fingerprints() {
        return fingerprints;
    }

    /** {@code text} with every echo of the command's secrets and of the API token replaced by {@value #MASK}. */
    public String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String echo : echoes) {
            result = result.replace(echo, MASK);
        }
        if (masking == null) {
            return result;
        }
        result = masking.maskToken(result);
        return values.isEmpty() && !fingerprints.isEmpty() ? masking.maskFingerprints(commandId, fingerprints, result)
                : result;
    }

    @Override
    public String toString() {
        return "CommandSecrets[" + values.size() + " values, " + fingerprints.size() + " fingerprints]";
    }
}
