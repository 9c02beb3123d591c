package dev.unlearn.cli.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.commands.FileLocks;
import dev.unlearn.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, audit log: concurrent appends (threads and processes) lose nothing; with the key, a
 * rewritten history, a forged entry, a stripped MAC and another key's entries are detected even when
 * the attacker recomputed every SHA-256; a dropped tail is detected against an exported head.
 */
class AuditLogSecurityTest {
    static final DeploymentKey KEY = DeploymentKey.of("audit-log-security-test-key-0123".getBytes(StandardCharsets.UTF_8));
    static final DeploymentKey OTHER = DeploymentKey.of("another-deployment-key-abcdefghi".getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper M = new ObjectMapper();

    private static ObjectNode entry(String id) {
        ObjectNode e = M.createObjectNode();
        e.put("request_id", id);
        e.put("request_hmac", "h-" + id);
        e.put("status", "accepted");
        return e;
    }

    private static Path log3(Path dir) {
        Path f = dir.resolve("audit.jsonl");
        AuditLog log = new AuditLog(f, KEY);
        for (String id : List.of("r1", "r2", "r3")) {
            log.append(entry(id));
        }
        return f;
    }

    /** What someone who can write the file but lacks the key can do: edit entry i, recompute every hash after it. */
    private static void forge(Path f, int index, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
        String prev = index == 0 ? AuditLog.GENESIS : AuditLog.sha256(lines.get(index - 1));
        for (int i = index; i < lines.size(); i++) {
            ObjectNode e = (ObjectNode) M.readTree(lines.get(i));
            if (i == index) {
                edit.accept(e);
            }
            e.put("prev_sha256", prev);
            e.put("entry_sha256", AuditLog.contentHash(e));
            String line = M.writeValueAsString(AuditLog.sorted(e));
            lines.set(i, line);
            prev = AuditLog.sha256(line);
        }
        Files.write(f, lines, StandardCharsets.UTF_8);
    }

    @Test
    void parallelAppendsFromThreadsAllLand(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("audit.jsonl");
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "DR-" + i;
            fs.add(pool.submit(() -> {
                go.await();
                return new AuditLog(f, KEY).append(entry(id));
            }));
        }
        go.countDown();
        for (Future<?> x : fs) {
            x.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        AuditLog log = new AuditLog(f, KEY);
        assertEquals(n, log.entries().size());
        assertTrue(log.verify().ok(), String.valueOf(log.verify()));
    }

    @Test
    void parallelAppendsFromProcessesAllLand(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("audit.jsonl");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ps.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AppendMain.class.getName(),
                    f.toString(), "p" + i, "10").redirectErrorStream(true).start());
        }
        for (Process p : ps) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "append process hung");
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        AuditLog log = new AuditLog(f, KEY);
        assertEquals(40, log.entries().size(), "entries lost between processes");
        Set<String> ids = new HashSet<>();
        log.entries().forEach(e -> ids.add(e.get("request_id").asText()));
        assertEquals(40, ids.size());
        assertTrue(log.verify().ok());
    }

    @Test
    void sameRequestIdIsAppendedOnce(@TempDir Path dir) {
        AuditLog log = new AuditLog(dir.resolve("audit.jsonl"), KEY);
        log.append(entry("r1"));
        log.append(entry("r1"));
        assertEquals(1, log.entries().size());
        ObjectNode other = entry("r1");
        other.put("request_hmac", "different");
        assertThrows(InvalidInputException.class, () -> log.append(other));
    }

    @Test
    void rewrittenHistoryWithRecomputedHashesIsDetectedWithTheKey(@TempDir Path dir) throws Exception {
        Path f = log3(dir);
        forge(f, 1, e -> e.put("status", "rejected"));
        assertTrue(new AuditLog(f).verify().ok(), "the SHA-256 chain alone was recomputed and passes");
        AuditLog.Verification v = new AuditLog(f, KEY).verify();
        assertFalse(v.ok());
        assertEquals(2, v.brokenLine());
        assertTrue(v.reason().contains("entry_hmac does not verify"), v.reason());
        Path key = dir.resolve("k");
        Files.writeString(key, "61756469742d6c6f672d73656375726974792d746573742d6b65792d30313233");
        CliRun cli = CliRun.of("request", "verify-log", f.toString(), "--key", key.toString());
        assertEquals(ExitCodes.CHECK_FAILED, cli.code(), cli.toString());
        assertTrue(cli.out().contains("BROKEN at entry 2 of 3") && cli.out().contains("entry_hmac"), cli.toString());
        CliRun noKey = CliRun.of("request", "verify-log", f.toString());
        assertEquals(ExitCodes.OK, noKey.code(), noKey.toString());
        assertTrue(noKey.out().contains("NOT authenticated"), noKey.toString());
    }

    @Test
    void forgedAppendedEntryStrippedMacAndOtherKeyAreDetected(@TempDir Path dir) throws Exception {
        Path f = log3(dir);
        List<String> lines = new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
        ObjectNode fake = (ObjectNode) M.readTree(lines.get(2));
        fake.put("request_id", "r4");
        lines.add(M.writeValueAsString(fake));
        Files.write(f, lines, StandardCharsets.UTF_8);
        forge(f, 3, e -> e.put("request_id", "r4"));
        AuditLog.Verification v = new AuditLog(f, KEY).verify();
        assertFalse(v.ok());
        assertEquals(4, v.brokenLine(), v.reason());

        Path g = log3(dir.resolve("g"));
        forge(g, 0, e -> {
            e.remove("entry_hmac");
            e.remove("key_id");
        });
        AuditLog.Verification stripped = new AuditLog(g, KEY).verify();
        assertEquals(1, stripped.brokenLine());
        assertTrue(stripped.reason().contains("no entry_hmac"), stripped.reason());

        Path h = dir.resolve("h/audit.jsonl");
        new AuditLog(h, OTHER).append(entry("r1"));
        AuditLog.Verification other = new AuditLog(h, KEY).verify();
        assertFalse(other.ok());
        assertTrue(other.reason().contains("key_id"), other.reason());
    }

    @Test
    void droppedTailAndRewrittenPrefixAreDetectedAgainstTheHead(@TempDir Path dir) throws Exception {
        Path f = log3(dir);
        AuditLog log = new AuditLog(f, KEY);
        JsonNode head = log.head();
        assertEquals(3, head.get("entries").asInt());
        assertTrue(head.has("head_hmac"));
        assertFalse(M.writeValueAsString(head).contains("audit-log-security"), "the key is never written");
        assertTrue(log.verifyAgainst(head).ok());
        log.append(entry("r4"));
        assertTrue(log.verifyAgainst(head).ok(), "a log that grew is consistent with an older head");

        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        Files.write(f, lines.subList(0, 2), StandardCharsets.UTF_8);
        assertTrue(log.verify().ok(), "a dropped tail leaves a valid chain");
        AuditLog.Verification v = log.verifyAgainst(head);
        assertFalse(v.ok());
        assertTrue(v.reason().startsWith("truncated"), v.reason());

        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, "61756469742d6c6f672d73656375726974792d746573742d6b65792d30313233\n");
        Path headFile = dir.resolve("head.json");
        Files.write(f, lines, StandardCharsets.UTF_8);
        CliRun h = CliRun.of("request", "log-head", f.toString(), "--key", keyFile.toString());
        assertEquals(ExitCodes.OK, h.code(), h.toString());
        Files.writeString(headFile, h.out());
        CliRun ok = CliRun.of("request", "verify-log", f.toString(), "--key", keyFile.toString(), "--expect-head",
                headFile.toString());
        assertEquals(ExitCodes.OK, ok.code(), ok.toString());
        assertTrue(ok.out().contains("consistent with the anchored head"), ok.toString());

        Files.write(f, lines.subList(0, 3), StandardCharsets.UTF_8);
        CliRun cut = CliRun.of("request", "verify-log", f.toString(), "--key", keyFile.toString(), "--expect-head",
                headFile.toString());
        assertEquals(ExitCodes.CHECK_FAILED, cut.code(), cut.toString());
        assertTrue(cut.out().contains("truncated"), cut.toString());

        // a whole new history (valid chain, even valid MACs under another key) does not match the head
        Path fresh = dir.resolve("fresh/audit.jsonl");
        for (String id : List.of("x1", "x2", "x3", "x4")) {
            new AuditLog(fresh, KEY).append(entry(id));
        }
        Files.copy(fresh, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliRun rewritten = CliRun.of("request", "verify-log", f.toString(), "--key", keyFile.toString(), "--expect-head",
                headFile.toString());
        assertEquals(ExitCodes.CHECK_FAILED, rewritten.code(), rewritten.toString());
        assertTrue(rewritten.out().contains("rewritten"), rewritten.toString());

        ObjectNode forgedHead = (ObjectNode) M.readTree(h.out());
        forgedHead.put("entries", 2);
        Files.writeString(headFile, M.writeValueAsString(forgedHead));
        CliRun badHead = CliRun.of("request", "verify-log", f.toString(), "--key", keyFile.toString(), "--expect-head",
                headFile.toString());
        assertEquals(ExitCodes.CHECK_FAILED, badHead.code(), badHead.toString());
        assertTrue(badHead.out().contains("head's MAC"), badHead.toString());
    }

    @Test
    void aSecondHolderOfARequestLockFailsFastNamingTheHolder(@TempDir Path dir) throws Exception {
        Path lock = dir.resolve("x.lock");
        try (FileLocks held = FileLocks.tryExclusive(lock, "request DR-1")) {
            InvalidInputException ex = assertThrows(InvalidInputException.class,
                    () -> FileLocks.tryExclusive(lock, "request DR-1"));
            assertTrue(ex.getMessage().contains("held by pid " + ProcessHandle.current().pid()), ex.getMessage());
            Future<?> other = Executors.newSingleThreadExecutor().submit(() -> FileLocks.tryExclusive(lock, "request DR-1"));
            Exception e = assertThrows(java.util.concurrent.ExecutionException.class, () -> other.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof InvalidInputException, String.valueOf(e.getCause()));
        }
        FileLocks.tryExclusive(lock, "again").close();
    }
}
