package io.aihub.worker.command;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The forms in which a service may echo a secret back: as sent, and JSON-escaped — as Jackson writes it, with
 * non-ASCII characters as {@code \}{@code uXXXX} (upper- or lower-case hex, as Python's {@code json.dumps} does),
 * with {@code /} as {@code \/}, and escaped twice (a JSON document quoted inside a JSON string).
 */
final class SecretEchoes {

    private SecretEchoes() {
    }

    /** The distinct echoes of {@code secret}, longest first, so a longer echo is masked before its parts. */
    static List<String> of(String secret) {
        Set<String> echoes = new LinkedHashSet<>();
        String json = json(secret);
        for (String form : List.of(secret, json, asciiOnly(json, "%04x"), asciiOnly(json, "%04X"), json(json))) {
            echoes.add(form);
            echoes.add(form.replace("/", "\\/"));
        }
        return echoes.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    private static String json(String text) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(text));
    }

    private static String asciiOnly(String text, String hexFormat) {
        StringBuilder out = new StringBuilder(text.length());
        text.chars().forEach(c -> {
            if (c > 0x7E) {
                out.append("\\u").append(String.format(hexFormat, c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }
}
