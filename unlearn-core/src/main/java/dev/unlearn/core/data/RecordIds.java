package dev.unlearn.core.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;

/**
 * Stable record ids: the first {@value #HEX_LENGTH} hex digits of a SHA-256 over a canonical form of
 * the record's content. The canonical form is NFC-normalised text with line endings folded to
 * {@code \n} and surrounding whitespace trimmed, fields joined by U+0000 after a kind tag
 * ({@code qa}, {@code text}). Ids therefore survive re-serialisation, reordering and a change of file
 * format, and change whenever the question or answer text changes.
 */
public final class RecordIds {
    /** Hex digits kept (64 bits): collisions are negligible for datasets of millions of rows. */
    public static final int HEX_LENGTH = 16;

    private RecordIds() {}

    /** Id of a question/answer pair. */
    public static String qa(String question, String answer) {
        return hash("qa", question, answer);
    }

    /** Id of a raw text record. */
    public static String text(String text) {
        return hash("text", text);
    }

    /** Full 64-hex-digit SHA-256 of a string's UTF-8 bytes (used for file and split digests). */
    public static String sha256(String s) {
        return HexFormat.of().formatHex(digest().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String canonical(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFC);
        return n.replace("\r\n", "\n").replace('\r', '\n').strip();
    }

    private static String hash(String kind, String... parts) {
        StringBuilder sb = new StringBuilder(kind);
        for (String p : parts) {
            sb.append('\u0000').append(canonical(p));
        }
        return sha256(sb.toString()).substring(0, HEX_LENGTH);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }
}
