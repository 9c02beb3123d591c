package dev.unlearn.methods.spi;

import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a template-answer file (methods.md §5.4) the way the references do ({@code readlines()} then
 * {@code strip()}), and checks the TOFU file's digest when the caller expects it.
 */
public final class TemplateFile {
    /** The {@code templates} value that names TOFU's {@code idontknow.jsonl}, located by the CLI's {@code --templates FILE}. */
    public static final String TOFU_TEMPLATES = "tofu-idontknow";

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

    /**
     * A method's alternate answers (FLAT's templates, DPO's preferred answers, IdkNLL's refusals): those
     * of the context when given, else TOFU's file for {@link #TOFU_TEMPLATES} (digest checked, located by
     * {@link MethodContext#answersFile()}), else the file that {@code templates} names.
     *
     * @throws InvalidInputException naming the key or file at fault
     */
    public static List<String> answers(String method, String templates, MethodContext<?> context) {
        if (!context.templates().isEmpty()) {
            return context.templates();
        }
        if (templates == null || templates.isBlank()) {
            throw new InvalidInputException("Method '" + method + "': config key 'templates' is missing; name a file of"
                    + " one answer per line (the built-in world ships refusals.txt) or '" + TOFU_TEMPLATES + "'.");
        }
        if (templates.equals(TOFU_TEMPLATES)) {
            Path file = context.answersFile();
            if (file == null) {
                throw new InvalidInputException("Config key 'templates' is '" + TOFU_TEMPLATES + "', but the"
                        + " location of TOFU's idontknow.jsonl was not given (CLI: --templates FILE), or set"
                        + " 'templates' to a file of one template answer per line.");
            }
            Templates t = read(file);
            if (!t.sha256().equals(TOFU_IDONTKNOW_SHA256)) {
                throw new InvalidInputException(file + " is not TOFU's idontknow.jsonl (SHA-256 " + t.sha256()
                        + ", expected " + TOFU_IDONTKNOW_SHA256 + "); to use another list set"
                        + " 'templates' to its path.");
            }
            return t.templates();
        }
        return read(Path.of(templates)).templates();
    }

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
        return new Templates(t, dev.unlearn.core.io.Digests.sha256(bytes));
    }
}
