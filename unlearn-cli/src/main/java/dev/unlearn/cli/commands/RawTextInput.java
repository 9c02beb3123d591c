package dev.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.RawTextReader;
import dev.unlearn.core.data.TextChunker;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.text.TextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells raw-text inputs of {@code unlearn forget} from QA files: a {@code .txt} file or a folder is raw
 * text (one document per file); a {@code .json}/{@code .jsonl} file is raw text when its first row has
 * {@code text} and no {@code question}.
 */
final class RawTextInput {
    private RawTextInput() {}

    static boolean isRawText(Path p) {
        if (Files.isDirectory(p) || p.getFileName().toString().endsWith(".txt")) {
            return true;
        }
        try {
            String s = Files.readString(p, StandardCharsets.UTF_8).strip();
            ObjectMapper m = new ObjectMapper();
            JsonNode first;
            if (s.startsWith("[")) {
                JsonNode arr = m.readTree(s);
                first = arr != null && arr.size() > 0 ? arr.get(0) : null;
            } else {
                first = m.readTree(s.lines().filter(l -> !l.isBlank()).findFirst().orElse("{}"));
            }
            return first != null && first.isObject() && first.has("text") && !first.has("question");
        } catch (IOException ex) {
            return false; // not JSON at all: let the QA reader name the problem
        }
    }

    /** The chunks of a raw-text input, {@code maxLength} tokens each (BOS included). */
    static List<TokenizedExample> chunks(TextTokenizer tok, Path p, int maxLength) {
        List<TokenizedExample> out = TextChunker.chunk(tok, RawTextReader.read(p, RawTextReader.Layout.FILE), maxLength, 0);
        if (out.isEmpty()) {
            throw new InvalidInputException(p + " holds no text with at least 2 tokens");
        }
        return out;
    }
}
