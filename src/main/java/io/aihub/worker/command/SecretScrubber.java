package io.aihub.worker.command;

import java.util.Collection;

/**
 * Removes secret values from text that came from outside (AI Hub's error messages may echo the request). Secrets
 * shorter than four characters are also scrubbed; the replacement says nothing about the value.
 */
public final class SecretScrubber {

    private static final String MASK = "***";

    private SecretScrubber() {
    }

    /** {@code text} with every occurrence of each secret replaced. */
    public static String scrub(String text, Collection<String> secrets) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }
}
