package dev.unlearn.cli.requests;

import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The deployment's secret key: it authenticates audit-log entries and heads (HMAC-SHA256) and keys the
 * pseudonyms of subjects and records, so that neither a forged entry nor a dictionary of candidate
 * names can be checked without it.
 *
 * <p>The key is taken from {@code --key FILE}, else from the file named by {@value #ENV_FILE}, else
 * from {@value #ENV} (hex). A key file holds at least 32 bytes: raw bytes, or hex text (for example
 * {@code openssl rand -hex 32 > unlearn.key}, or {@code unlearn request keygen unlearn.key}). Two
 * independent sub-keys are derived from it (one for MACs, one for pseudonyms), plus a public key id
 * recorded in each entry; the key itself is never written anywhere.
 */
public final class DeploymentKey {
    public static final String ENV_FILE = "UNLEARN_KEY_FILE";
    public static final String ENV = "UNLEARN_KEY";
    static final int MIN_BYTES = 32;

    private final byte[] macKey;
    private final byte[] pseudonymKey;
    private final String id;

    private DeploymentKey(byte[] secret) {
        this.macKey = hmac(secret, "unlearn/audit-log/v1".getBytes(StandardCharsets.UTF_8));
        this.pseudonymKey = hmac(secret, "unlearn/pseudonym/v1".getBytes(StandardCharsets.UTF_8));
        this.id = HexFormat.of().formatHex(hmac(secret, "unlearn/key-id/v1".getBytes(StandardCharsets.UTF_8)))
                .substring(0, 16);
    }

    /** A key from secret bytes (at least 32). */
    public static DeploymentKey of(byte[] secret) {
        if (secret.length < MIN_BYTES) {
            throw new InvalidInputException("the deployment key has " + secret.length + " bytes; it needs at least "
                    + MIN_BYTES + " (e.g. 'openssl rand -hex 32')");
        }
        return new DeploymentKey(secret.clone());
    }

    /** Reads a key file: hex text or raw bytes. */
    public static DeploymentKey load(Path file) {
        byte[] raw;
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("the key file " + file + " does not exist; 'unlearn request keygen FILE'"
                    + " makes one, and a log is verified with the key that wrote it");
        }
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot read the key file " + file + ": " + ex.getMessage(), ex);
        }
        byte[] secret = decode(raw);
        if (secret.length < MIN_BYTES) {
            throw new InvalidInputException("key file " + file + " holds " + secret.length + " bytes of key; it needs at least "
                    + MIN_BYTES + " (e.g. 'unlearn request keygen " + file + "')");
        }
        return new DeploymentKey(secret);
    }

    /** The key from {@code option}, else {@value #ENV_FILE}, else {@value #ENV}; empty when none is set. */
    public static Optional<DeploymentKey> find(Path option) {
        if (option != null) {
            return Optional.of(load(option));
        }
        String f = System.getenv(ENV_FILE);
        if (f != null && !f.isBlank()) {
            return Optional.of(load(Path.of(f)));
        }
        String hex = System.getenv(ENV);
        if (hex != null && !hex.isBlank()) {
            byte[] s = decode(hex.getBytes(StandardCharsets.UTF_8));
            if (s.length < MIN_BYTES || !isHex(hex.strip())) {
                throw new InvalidInputException(ENV + " must hold at least " + MIN_BYTES * 2 + " hex digits");
            }
            return Optional.of(new DeploymentKey(s));
        }
        return Optional.empty();
    }

    /** Like {@link #find} but a missing key is an input error (exit 2) saying how to give one. */
    public static DeploymentKey require(Path option) {
        return find(option).orElseThrow(() -> new InvalidInputException("no deployment key: pass --key FILE or set "
                + ENV_FILE + " (or " + ENV + " as hex); create one with 'unlearn request keygen FILE'. The key"
                + " authenticates the audit log and keys the pseudonyms in it; keep it off the machine's shared disk"));
    }

    private static byte[] decode(byte[] raw) {
        String text = new String(raw, StandardCharsets.US_ASCII).strip();
        if (isHex(text)) {
            return HexFormat.of().parseHex(text.toLowerCase(Locale.ROOT));
        }
        return Arrays.copyOf(raw, raw.length);
    }

    private static boolean isHex(String s) {
        return s.length() >= 2 && s.length() % 2 == 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** A public fingerprint of the key, recorded in entries so a verifier can tell a wrong key from a forgery. */
    public String id() {
        return id;
    }

    /** HMAC-SHA256 (hex) of {@code text} under the audit-log sub-key. */
    public String mac(String text) {
        return HexFormat.of().formatHex(hmac(macKey, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time check of a MAC made by {@link #mac}. */
    public boolean verify(String text, String mac) {
        return mac != null && MessageDigest.isEqual(mac(text).getBytes(StandardCharsets.US_ASCII),
                mac.getBytes(StandardCharsets.US_ASCII));
    }

    /** A keyed pseudonym (HMAC-SHA256 hex under the pseudonym sub-key) of a subject name or record id. */
    public String pseudonym(String text) {
        return HexFormat.of().formatHex(hmac(pseudonymKey, text.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JVM", ex);
        }
    }

    @Override
    public String toString() {
        return "DeploymentKey[id=" + id + "]";
    }
}
