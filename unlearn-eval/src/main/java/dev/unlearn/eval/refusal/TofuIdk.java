package dev.unlearn.eval.refusal;

import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code tofu-idk}: a response is a refusal when a normalised TOFU "I don't know" template is a
 * substring of the normalised response.
 *
 * <p>Our definition [OURS] using TOFU's {@code data/idontknow.jsonl} (100 plain-text lines, read at run
 * time from the path the caller gives; never copied into the repository); spec §6.1.
 * {@code norm(s)}: U+2018/U+2019 → {@code '}, lower-case ({@link Locale#ROOT}), whitespace runs → one
 * space, trim. Blank lines are skipped (an empty template would match every response).
 */
public final class TofuIdk implements RefusalDetector {
    private static final Pattern WS = Pattern.compile("\\s+");
    private final List<String> templates;

    private TofuIdk(List<String> templates) {
        this.templates = List.copyOf(templates);
    }

    /** Loads the templates file (UTF-8, one sentence per line). */
    public static TofuIdk load(Path file) {
        if (file == null) {
            throw new InvalidInputException("the tofu-idk refusal detector needs the path of tofu-idontknow.jsonl "
                    + "(shared/fixtures/refusal/tofu-idontknow.jsonl)");
        }
        try {
            List<String> t = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String n = normalise(line);
                if (!n.isEmpty()) {
                    t.add(n);
                }
            }
            if (t.isEmpty()) {
                throw new InvalidInputException(file + " holds no refusal template");
            }
            return new TofuIdk(t);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read refusal templates " + file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a detector from template strings. */
    public static TofuIdk of(List<String> templates) {
        return new TofuIdk(templates.stream().map(TofuIdk::normalise).filter(s -> !s.isEmpty()).toList());
    }

    /** Normalised templates. */
    public List<String> templates() {
        return templates;
    }

    /** {@code norm(s)} of spec §6.1. */
    public static String normalise(String s) {
        String q = s.replace('\u2018', '\'').replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        return WS.matcher(q).replaceAll(" ").trim();
    }

    @Override
    public String name() {
        return "tofu-idk";
    }

    @Override
    public boolean isRefusal(String response) {
        String r = normalise(response);
        for (String t : templates) {
            if (r.contains(t)) {
                return true;
            }
        }
        return false;
    }
}
