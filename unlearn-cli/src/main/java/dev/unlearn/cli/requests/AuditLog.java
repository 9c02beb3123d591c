package dev.unlearn.cli.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.VerificationFailedException;
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
 * An append-only, hash-chained and keyed JSONL audit log of unlearning runs.
 *
 * <p>Each line is one JSON object. Three fields make the chain:
 * <ul>
 *   <li>{@code prev_sha256}: SHA-256 (hex) of the previous line's exact bytes (without its newline);
 *       64 zeros for the first entry;</li>
 *   <li>{@code entry_sha256}: SHA-256 of this entry serialised canonically (keys sorted, compact)
 *       without the {@code entry_sha256} and {@code entry_hmac} fields, so a tampered last entry is
 *       caught too;</li>
 *   <li>{@code entry_hmac} (with {@code key_id}), when the log is keyed: HMAC-SHA256 under the
 *       deployment key ({@link DeploymentKey}) of the canonical entry without {@code entry_hmac}. The
 *       SHA-256 chain alone can be recomputed by anyone who can write the file; the MAC cannot be
 *       without the key, so a rewritten, forged or reordered entry fails {@link #verify()}.</li>
 * </ul>
 * A dropped tail leaves a valid chain; {@link #head()} exports a keyed head (entry count and the last
 * line's hash) to keep elsewhere, and {@link #verifyAgainst} detects truncation and rewrites of
 * everything up to it. See docs/security.md for the threat model and why a chain with exported heads
 * is used rather than a Merkle tree.
 *
 * <p>{@link #append} holds an OS file lock ({@code FileChannel.lock} on {@code audit.jsonl.lock}) while
 * it reads, checks and rewrites the log, so concurrent processes never lose each other's entries; it
 * writes the whole file to a temporary sibling and renames it over the log, so a crash leaves either
 * the old or the new log, never half a line. The log never holds forgotten text: callers put keyed
 * digests and counts in it.
 */
public final class AuditLog {
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public static final String HEAD_FORMAT = "unlearn-audit-head/1";

    private final Path file;
    private final DeploymentKey key;

    /** A log without a key: entries are chained only; {@link #verify()} cannot authenticate them. */
    public AuditLog(Path file) {
        this(file, null);
    }

    /** A keyed log: appended entries carry an HMAC under {@code key}, and {@link #verify()} checks them. */
    public AuditLog(Path file, DeploymentKey key) {
        this.file = file;
        this.key = key;
    }

    /** The lock file beside the log, held around every append and current-state update. */
    public Path lockFile() {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /** Runs {@code r} holding the log's lock (waits for other processes). */
    public void locked(Runnable r) {
        try (var l = dev.unlearn.cli.commands.FileLocks.exclusive(lockFile(), "audit log " + file)) {
            r.run();
        }
    }

    public Path file() {
        return file;
    }

    /** The key entries are authenticated with, or null. */
    public DeploymentKey key() {
        return key;
    }

    /**
     * The result of {@link #verify()}: ok, or the first broken entry (1-based line) and why;
     * {@code authenticated} when every entry's MAC was checked with the key.
     */
    public record Verification(boolean ok, int entries, int brokenLine, String reason, boolean authenticated) {
        public static Verification good(int entries, boolean authenticated) {
            return new Verification(true, entries, 0, null, authenticated);
        }

        static Verification broken(int entries, int line, String reason) {
            return new Verification(false, entries, line, reason, false);
        }
    }

    /** Appends {@code entry} (its chain fields are set here) and returns the stored entry. */
    public ObjectNode append(ObjectNode entry) {
        return append(entry, () -> {});
    }

    /**
     * Appends {@code entry} holding the log's lock, after running {@code underLock} (a current-state
     * update that must not interleave with another process's append). An entry whose
     * {@code request_id} is already logged is not appended twice: the logged entry is returned when
     * the {@code request_sha256} matches, and a different request reusing the id is refused.
     */
    public ObjectNode append(ObjectNode entry, Runnable underLock) {
        ObjectNode[] stored = new ObjectNode[1];
        locked(() -> stored[0] = appendLocked(entry, underLock));
        return stored[0];
    }

    private ObjectNode appendLocked(ObjectNode entry, Runnable underLock) {
        try {
            List<String> lines = readLines();
            Verification v = verifyLines(lines);
            if (!v.ok()) {
                throw new VerificationFailedException("audit log " + file + " is broken at line " + v.brokenLine()
                        + " (" + v.reason() + "); refusing to append. Run 'unlearn request verify-log " + file + "'.");
            }
            String id = entry.path("request_id").asText(null);
            if (id != null) {
                for (int i = 0; i < lines.size(); i++) {
                    ObjectNode old = parse(lines.get(i), i + 1);
                    if (id.equals(old.path("request_id").asText(null))) {
                        if (old.path("request_hmac").asText("").equals(entry.path("request_hmac").asText(""))
                                && old.path("request_sha256").asText("").equals(entry.path("request_sha256").asText(""))) {
                            return old;
                        }
                        throw new InvalidInputException("request id " + id + " is already in audit log " + file
                                + " for a different request (line " + (i + 1) + ")");
                    }
                }
            }
            if (key == null && lines.stream().anyMatch(l -> l.contains("\"entry_hmac\""))) {
                throw new InvalidInputException("audit log " + file + " is keyed; appending needs the deployment key");
            }
            underLock.run();
            ObjectNode e = entry.deepCopy();
            e.remove("entry_sha256");
            e.remove("entry_hmac");
            e.remove("key_id");
            e.put("prev_sha256", lines.isEmpty() ? GENESIS : sha256(lines.get(lines.size() - 1)));
            if (key != null) {
                e.put("key_id", key.id());
            }
            e.put("entry_sha256", contentHash(e));
            if (key != null) {
                e.put("entry_hmac", key.mac(macInput(e)));
            }
            String line = CANONICAL.writeValueAsString(sorted(e));
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            dev.unlearn.cli.commands.OutputDirs.removeStaleTemps(file); // a crashed append's .audit.jsonl*.tmp
            Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
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

    /**
     * Checks every link of the chain and every entry's own hash; with a key, also that every entry
     * carries this key's id and a valid MAC (an entry without one is a forgery, not an old format).
     */
    public Verification verify() {
        return verifyLines(readLines());
    }

    /**
     * {@link #verify()}, then checks the log against an exported {@link #head()}: it still holds at
     * least that many entries (else it was truncated) and its entry at the head's index has the head's
     * hash (else the history up to it was rewritten). With a key, the head's own MAC is checked too.
     */
    public Verification verifyAgainst(JsonNode head) {
        List<String> lines = readLines();
        Verification v = verifyLines(lines);
        if (!v.ok()) {
            return v;
        }
        if (!HEAD_FORMAT.equals(head.path("format").asText()) || !head.path("entries").canConvertToInt()
                || !head.path("head_sha256").isTextual()) {
            throw new InvalidInputException("not an audit-log head (" + HEAD_FORMAT + " with entries and head_sha256)");
        }
        int n = head.path("entries").asInt();
        String hash = head.path("head_sha256").asText();
        if (key != null) {
            if (!head.hasNonNull("head_hmac")) {
                return Verification.broken(lines.size(), 0, "the head carries no MAC; it cannot be trusted with a key");
            }
            if (!key.id().equals(head.path("key_id").asText()) || !key.verify(headMacInput(n, hash), head.path("head_hmac").asText())) {
                return Verification.broken(lines.size(), 0, "the head's MAC does not verify with this key (forged head"
                        + " or another key)");
            }
        }
        if (lines.size() < n) {
            return Verification.broken(lines.size(), lines.size() + 1, "truncated: the anchored head has " + n
                    + " entries, the log " + lines.size());
        }
        String at = n == 0 ? GENESIS : sha256(lines.get(n - 1));
        if (!at.equals(hash)) {
            return Verification.broken(lines.size(), n, "rewritten: entry " + n + " hashes to " + abbrev(at)
                    + ", the anchored head says " + abbrev(hash));
        }
        return v;
    }

    /**
     * The log's head: entry count and SHA-256 of the last line, with the key id and an HMAC over both
     * when the log is keyed. Keep it outside the machine (a ticket, the DPO's mailbox); it commits to
     * every entry up to it through the chain.
     */
    public ObjectNode head() {
        List<String> lines = readLines();
        Verification v = verifyLines(lines);
        if (!v.ok()) {
            throw new VerificationFailedException("audit log " + file + " is broken at line " + v.brokenLine() + " ("
                    + v.reason() + "); no head is exported for a broken log");
        }
        ObjectNode h = CANONICAL.createObjectNode();
        h.put("format", HEAD_FORMAT);
        h.put("entries", lines.size());
        String hash = lines.isEmpty() ? GENESIS : sha256(lines.get(lines.size() - 1));
        h.put("head_sha256", hash);
        if (!lines.isEmpty()) {
            h.put("entry_sha256", parse(lines.get(lines.size() - 1), lines.size()).path("entry_sha256").asText());
        }
        if (key != null) {
            h.put("key_id", key.id());
            h.put("head_hmac", key.mac(headMacInput(lines.size(), hash)));
        }
        return h;
    }

    private static String headMacInput(int n, String hash) {
        return HEAD_FORMAT + "\n" + n + "\n" + hash;
    }

    private Verification verifyLines(List<String> lines) {
        String prev = GENESIS;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            ObjectNode e;
            try {
                e = (ObjectNode) CANONICAL.readTree(line);
            } catch (IOException | ClassCastException ex) {
                return Verification.broken(lines.size(), i + 1, "not a JSON object");
            }
            String p = e.path("prev_sha256").asText("");
            if (!p.equals(prev)) {
                return Verification.broken(lines.size(), i + 1,
                        "prev_sha256 " + abbrev(p) + " does not match the previous entry's hash " + abbrev(prev));
            }
            String own = e.path("entry_sha256").asText("");
            String expect = contentHash(e);
            if (!own.equals(expect)) {
                return Verification.broken(lines.size(), i + 1,
                        "entry_sha256 " + abbrev(own) + " does not match its content (" + abbrev(expect) + ")");
            }
            if (key != null) {
                if (!e.hasNonNull("entry_hmac")) {
                    return Verification.broken(lines.size(), i + 1, "no entry_hmac: the entry was not written with the"
                            + " deployment key (forged, or written without a key)");
                }
                if (!key.id().equals(e.path("key_id").asText(""))) {
                    return Verification.broken(lines.size(), i + 1, "key_id " + abbrev(e.path("key_id").asText(""))
                            + " is not this key's " + key.id() + " (another deployment's key, or a forgery)");
                }
                if (!key.verify(macInput(e), e.path("entry_hmac").asText())) {
                    return Verification.broken(lines.size(), i + 1, "entry_hmac does not verify: the entry was forged or"
                            + " rewritten by someone without the key");
                }
            }
            prev = sha256(line);
        }
        return Verification.good(lines.size(), key != null);
    }

    /** Whether any entry carries a MAC (a keyed log must not be appended to without its key). */
    public boolean isKeyed() {
        for (String l : readLines()) {
            if (l.contains("\"entry_hmac\"")) {
                return true;
            }
        }
        return false;
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

    static String macInput(ObjectNode e) {
        ObjectNode c = e.deepCopy();
        c.remove("entry_hmac");
        try {
            return CANONICAL.writeValueAsString(sorted(c));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static String contentHash(ObjectNode e) {
        ObjectNode c = e.deepCopy();
        c.remove("entry_sha256");
        c.remove("entry_hmac");
        try {
            return sha256(CANONICAL.writeValueAsString(sorted(c)));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Jackson sorts map keys but not ObjectNode fields: rebuild the tree with sorted keys. */
    static JsonNode sorted(JsonNode n) {
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
