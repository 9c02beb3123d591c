package dev.unlearn.cli.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An append-only, hash-chained JSONL audit log of unlearning runs.
 *
 * <p>Each line is one JSON object. Two fields make the chain:
 * <ul>
 *   <li>{@code prev_sha256}: SHA-256 (hex) of the previous line's exact bytes (without its newline);
 *       64 zeros for the first entry;</li>
 *   <li>{@code entry_sha256}: SHA-256 of this entry serialised canonically (keys sorted, compact)
 *       without the {@code entry_sha256} field, so a tampered last entry is caught too.</li>
 * </ul>
 * {@link #append} writes the whole file to a temporary sibling and renames it over the log, so a
 * crash leaves either the old or the new log, never half a line. The log never holds forgotten text:
 * callers put digests and counts in it (see {@code RequestAudit}).
 */
public final class AuditLog {
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Path file;

    public AuditLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The result of {@link #verify()}: ok, or the first broken entry (1-based line) and why. */
    public record Verification(boolean ok, int entries, int brokenLine, String reason) {
        public static Verification good(int entries) {
            return new Verification(true, entries, 0, null);
        }
    }

    /** Appends {@code entry} (its chain fields are set here) and returns the stored entry. */
    public synchronized ObjectNode append(ObjectNode entry) {
        try {
            List<String> lines = readLines();
            Verification v = verifyLines(lines);
            if (!v.ok()) {
                throw new InvalidInputException("audit log " + file + " is broken at line " + v.brokenLine()
                        + " (" + v.reason() + "); refusing to append. Run 'unlearn request verify-log " + file + "'.");
            }
            ObjectNode e = entry.deepCopy();
            e.remove("entry_sha256");
            e.put("prev_sha256", lines.isEmpty() ? GENESIS : sha256(lines.get(lines.size() - 1)));
            e.put("entry_sha256", contentHash(e));
            String line = CANONICAL.writeValueAsString(sorted(e));
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                StringBuilder sb = new StringBuilder();
                for (String l : lines) {
                    sb.append(l).append('\n');
                }
                sb.append(line).append('\n');
                Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.SYNC);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return (ObjectNode) CANONICAL.readTree(line);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to audit log " + file, ex);
        }
    }

    /** All entries, oldest first (empty when the file does not exist). */
    public List<ObjectNode> entries() {
        List<ObjectNode> out = new ArrayList<>();
        int n = 0;
        for (String l : readLines()) {
            n++;
            out.add(parse(l, n));
        }
        return out;
    }

    /** The newest entry with this request id, if any. */
    public Optional<ObjectNode> find(String requestId) {
        ObjectNode found = null;
        for (ObjectNode e : entries()) {
            if (requestId.equals(e.path("request_id").asText(null))) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Checks every link of the chain and every entry's own hash. */
    public Verification verify() {
        return verifyLines(readLines());
    }

    private Verification verifyLines(List<String> lines) {
        String prev = GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            ObjectNode e;
            try {
                e = (ObjectNode) CANONICAL.readTree(line);
            } catch (IOException | ClassCastException ex) {
                return new Verification(false, lines.size(), i + 1, "not a JSON object");
            }
            String p = e.path("prev_sha256").asText("");
            if (!p.equals(prev)) {
                return new Verification(false, lines.size(), i + 1,
                        "prev_sha256 " + abbrev(p) + " does not match the previous entry's hash " + abbrev(prev));
            }
            String own = e.path("entry_sha256").asText("");
            String expect = contentHash(e);
            if (!own.equals(expect)) {
                return new Verification(false, lines.size(), i + 1,
                        "entry_sha256 " + abbrev(own) + " does not match its content (" + abbrev(expect) + ")");
            }
            prev = sha256(line);
        }
        return Verification.good(lines.size());
    }

    private List<String> readLines() {
        if (!Files.exists(file)) {
            return new ArrayList<>();
        }
        try {
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!l.isEmpty()) {
                    out.add(l);
                }
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read audit log " + file, ex);
        }
    }

    private ObjectNode parse(String line, int n) {
        try {
            return (ObjectNode) CANONICAL.readTree(line);
        } catch (IOException | ClassCastException ex) {
            throw new InvalidInputException("audit log " + file + " line " + n + " is not a JSON object");
        }
    }

    private static String contentHash(ObjectNode e) {
        ObjectNode c = e.deepCopy();
        c.remove("entry_sha256");
        try {
            return sha256(CANONICAL.writeValueAsString(sorted(c)));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Jackson sorts map keys but not ObjectNode fields: rebuild the tree with sorted keys. */
    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = CANONICAL.createObjectNode();
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String k : names) {
                o.set(k, sorted(n.get(k)));
            }
            return o;
        }
        if (n.isArray()) {
            var a = CANONICAL.createArrayNode();
            n.forEach(x -> a.add(sorted(x)));
            return a;
        }
        return n;
    }

    static String sha256(String s) {
        return Digests.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbrev(String h) {
        return h.length() > 12 ? h.substring(0, 12) + "…" : h;
    }
}
