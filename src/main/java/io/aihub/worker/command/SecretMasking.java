package io.aihub.worker.command;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.aihub.worker.config.AiHubConfig;
import io.aihub.worker.config.WorkerConfig;

/**
 * Masks secrets in text the worker writes: the API token always, and each command's secrets ({@link CommandSecrets}).
 * The ledger must hold no secret, yet a run resumed from it after a restart may still see AI Hub echo the command's
 * secrets, so the ledger keeps keyed fingerprints instead: HMAC-SHA256 over the command ID and each echo of a secret,
 * with the echo's length. A resumed command masks every stretch of text of such a length whose fingerprint matches.
 * The key is {@code worker.secrets.fingerprint-key}, else derived from the API token; without the key a reader of the
 * ledger cannot test guesses of a short password against a fingerprint, and the command ID in the MAC keeps two
 * commands with the same password from showing it.
 */
@ApplicationScoped
public class SecretMasking {

    /** Fewest characters of a configured fingerprint key. */
    static final int MIN_KEY_LENGTH = 32;
    /** Longest text a resumed command scans for fingerprints; longer text is cut (it is AI Hub's message). */
    static final int MAX_SCANNED = 16_384;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DERIVATION = "aihub-run-worker secret fingerprints v1".getBytes(StandardCharsets.UTF_8);
    private static final int FINGERPRINT_BYTES = 16;

    private final List<String> tokenEchoes;
    private final Optional<SecretKeySpec> key;

    @Inject
    public SecretMasking(AiHubConfig aihub, WorkerConfig worker) {
        this(aihub.apiToken(), worker.secrets().fingerprintKey());
    }

    SecretMasking(Optional<String> apiToken, Optional<String> fingerprintKey) {
        Optional<String> token = apiToken.filter(t -> !t.isBlank());
        fingerprintKey.filter(k -> k.length() < MIN_KEY_LENGTH).ifPresent(k -> {
            throw new IllegalArgumentException("worker.secrets.fingerprint-key (WORKER_SECRETS_FINGERPRINT_KEY) must"
                    + " have at least " + MIN_KEY_LENGTH + " characters");
        });
        this.tokenEchoes = token.map(SecretEchoes::of).orElse(List.of());
        this.key = fingerprintKey.map(k -> k.getBytes(StandardCharsets.UTF_8))
                .or(() -> token.map(t -> hmac(new SecretKeySpec(t.getBytes(StandardCharsets.UTF_8), ALGORITHM),
                        DERIVATION)))
                .map(bytes -> new SecretKeySpec(bytes, ALGORITHM));
    }

    /** Masking of each command's own values only: no API token, no fingerprints (for tools and tests). */
    public static SecretMasking valuesOnly() {
        return new SecretMasking(Optional.empty(), Optional.empty());
    }

    /** The secrets of a command read from its record. */
    public CommandSecrets of(String commandId, Set<String> values) {
        if (values.isEmpty()) {
            // Most commands carry no secret: no stream pipeline per command for them.
            return new CommandSecrets(this, commandId, Set.of(), List.of(), List.of());
        }
        // An empty secret is no secret: as an echo it would match between every two characters.
        Set<String> secrets = values.stream().filter(v -> v != null && !v.isEmpty()).collect(Collectors.toSet());
        List<String> echoes = secrets.stream().flatMap(v -> SecretEchoes.of(v).stream()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        List<String> fingerprints = key.isEmpty() ? List.of()
                : echoes.stream().map(echo -> fingerprint(commandId, echo)).toList();
        return new CommandSecrets(this, commandId, secrets, echoes, fingerprints);
    }

    /** The secrets of a command resumed from the ledger: their fingerprints only. */
    public CommandSecrets restored(String commandId, List<String> fingerprints) {
        return new CommandSecrets(this, commandId, Set.of(), List.of(), fingerprints == null ? List.of() : fingerprints);
    }

    String maskToken(String text) {
        String result = text;
        for (String echo : tokenEchoes) {
            result = result.replace(echo, CommandSecrets.MASK);
        }
        return result;
    }

    /** {@code text} with every stretch whose fingerprint is one of {@code fingerprints} masked. */
    String maskFingerprints(String commandId, List<String> fingerprints, String text) {
        if (key.isEmpty()) {
            return text;
        }
        Map<Integer, Set<String>> byLength = new HashMap<>();
        for (String fingerprint : fingerprints) {
            int colon = fingerprint.indexOf(':');
            byLength.computeIfAbsent(Integer.parseInt(fingerprint.substring(0, colon)), l -> new HashSet<>())
                    .add(fingerprint.substring(colon + 1));
        }
        int longest = byLength.keySet().stream().max(Integer::compare).orElse(0);
        // Cut before the end by the longest echo too, so no secret is left half-masked at the cut.
        String scanned = text.length() <= MAX_SCANNED ? text
                : text.substring(0, Math.max(0, MAX_SCANNED - longest)) + "…";
        boolean[] masked = new boolean[scanned.length()];
        Mac prefixed = mac(commandId);
        byLength.forEach((length, macs) -> {
            for (int i = 0; i + length <= scanned.length(); i++) {
                if (macs.contains(finish(prefixed, scanned.substring(i, i + length)))) {
                    Arrays.fill(masked, i, i + length, true);
                }
            }
        });
        StringBuilder out = new StringBuilder(scanned.length());
        for (int i = 0; i < scanned.length(); i++) {
            if (!masked[i]) {
                out.append(scanned.charAt(i));
            } else if (i == 0 || !masked[i - 1]) {
                out.append(CommandSecrets.MASK);
            }
        }
        return out.toString();
    }

    private String fingerprint(String commandId, String echo) {
        return echo.length() + ":" + finish(mac(commandId), echo);
    }

    /** A MAC keyed with the fingerprint key that has already taken in the command ID. */
    private Mac mac(String commandId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key.orElseThrow());
            mac.update((commandId + '\u0000').getBytes(StandardCharsets.UTF_8));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String finish(Mac prefixed, String echo) {
        try {
            Mac mac = (Mac) prefixed.clone();
            byte[] digest = mac.doFinal(echo.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest,
                    FINGERPRINT_BYTES));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
        }
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
