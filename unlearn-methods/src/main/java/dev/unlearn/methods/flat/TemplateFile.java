package dev.unlearn.methods.flat;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.TemplateSampler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a template-answer file (methods.md §5.4) the way the references do ({@code readlines()} then
 * {@code strip()}), and checks the TOFU file's digest when the caller expects it.
 */
public final class TemplateFile {
    /** SHA-256 of TOFU's {@code data/idontknow.jsonl} at {@code bdc209e} (100 lines, 3980 bytes). */
    public static final String TOFU_IDONTKNOW_SHA256 = "eb9a1e32a6f4112088306e1a65d297240f75513dd5223b2acb326454675fd605";

    private TemplateFile() {}

    /**
     * A loaded template list with its digest.
     *
     * @param templates stripped non-blank lines
     * @param sha256 hex digest of the file bytes
     */
    public record Templates(List<String> templates, String sha256) {}

    /** Reads a file; a blank line is dropped (the TOFU file has none). */
    public static Templates read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException ex) {
            throw new InvalidInputException("Cannot read the template file " + file + ": " + ex.getMessage(), ex);
        }
        List<String> t = TemplateSampler.parse(new String(bytes, StandardCharsets.UTF_8));
        if (t.isEmpty()) {
            throw new InvalidInputException("Template file " + file + " holds no templates (config key 'templates').");
        }
        return new Templates(t, sha256(bytes));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }
}
