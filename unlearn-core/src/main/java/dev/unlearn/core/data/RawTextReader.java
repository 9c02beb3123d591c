package dev.unlearn.core.data;

import dev.unlearn.core.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads raw-text corpora for unlearning and training, in one of three document layouts:
 * <ul>
 *   <li>{@link Layout#FILE}: a {@code .txt} file is one document (MUSE's {@code forget.txt});</li>
 *   <li>{@link Layout#LINE}: every non-blank line of a {@code .txt} file is one document;</li>
 *   <li>{@link Layout#PARAGRAPH}: blank-line separated blocks of a {@code .txt} file are documents.</li>
 * </ul>
 * {@code .json}/{@code .jsonl} files are rows with a {@code text} field whatever the layout
 * ({@link TextCorpusReader}); a directory is read file by file in name order.
 */
public final class RawTextReader {
    /** How a {@code .txt} file splits into documents. */
    public enum Layout {
        FILE, LINE, PARAGRAPH;

        /** {@code file}, {@code line} or {@code paragraph}. */
        public static Layout byName(String s) {
            if (s == null) {
                return FILE;
            }
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("unknown document layout '" + s + "'; valid: file, line, paragraph");
            }
        }
    }

    private RawTextReader() {}

    /** Reads a file or a directory of files. */
    public static List<TextRecord> read(Path path, Layout layout) {
        if (!Files.exists(path)) {
            throw new InvalidInputException("corpus " + path + " does not exist");
        }
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> Files.isRegularFile(p) && supported(p)).sorted().toList();
            } catch (IOException e) {
                throw new InvalidInputException("cannot list corpus directory " + path + ": " + e.getMessage(), e);
            }
            if (files.isEmpty()) {
                throw new InvalidInputException("corpus directory " + path + " holds no .txt, .json or .jsonl file");
            }
            List<TextRecord> out = new ArrayList<>();
            files.forEach(f -> out.addAll(read(f, layout)));
            return out;
        }
        String name = path.getFileName().toString();
        if (!name.endsWith(".txt") || layout == Layout.FILE) {
            return TextCorpusReader.read(path);
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read corpus file " + path + ": " + e.getMessage(), e);
        }
        List<TextRecord> out = new ArrayList<>();
        String[] parts = layout == Layout.LINE ? text.split("\\R") : text.split("\\R\\s*\\R");
        int n = 0;
        for (String p : parts) {
            n++;
            String t = p.strip();
            if (!t.isEmpty()) {
                out.add(new TextRecord(null, t, null, name + ":" + n, Map.of()));
            }
        }
        return out;
    }

    /** Splits documents into their blank-line separated paragraphs (the PrivLeak texts when none are given). */
    public static List<TextRecord> paragraphs(List<TextRecord> docs) {
        List<TextRecord> out = new ArrayList<>();
        for (TextRecord d : docs) {
            int n = 0;
            for (String p : d.text().split("\\R\\s*\\R")) {
                n++;
                String t = p.strip();
                if (!t.isEmpty()) {
                    out.add(new TextRecord(null, t, d.entity(), d.source() + "#" + n, Map.of()));
                }
            }
        }
        return out;
    }

    private static boolean supported(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".txt") || n.endsWith(".json") || n.endsWith(".jsonl");
    }
}
