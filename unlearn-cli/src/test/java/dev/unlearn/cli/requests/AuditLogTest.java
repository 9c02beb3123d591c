package dev.unlearn.cli.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static ObjectNode entry(String id, double auc) {
        ObjectNode e = M.createObjectNode();
        e.put("request_id", id);
        e.put("mia_auc", auc);
        return e;
    }

    @Test
    void chainVerifiesAndLinks(@TempDir Path dir) {
        AuditLog log = new AuditLog(dir.resolve("audit.jsonl"));
        ObjectNode a = log.append(entry("r1", 0.5));
        ObjectNode b = log.append(entry("r2", 0.51));
        assertEquals(AuditLog.GENESIS, a.get("prev_sha256").asText());
        assertFalse(b.get("prev_sha256").asText().equals(AuditLog.GENESIS));
        AuditLog.Verification v = log.verify();
        assertTrue(v.ok(), String.valueOf(v));
        assertEquals(2, v.entries());
        assertEquals("r2", log.find("r2").orElseThrow().get("request_id").asText());
    }

    @Test
    void tamperedMiddleEntryIsReported(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("audit.jsonl");
        AuditLog log = new AuditLog(f);
        log.append(entry("r1", 0.5));
        log.append(entry("r2", 0.5));
        log.append(entry("r3", 0.5));
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        lines.set(1, lines.get(1).replace("\"mia_auc\":0.5", "\"mia_auc\":0.4"));
        Files.write(f, lines, StandardCharsets.UTF_8);
        AuditLog.Verification v = log.verify();
        assertFalse(v.ok());
        assertEquals(2, v.brokenLine(), v.reason());
        assertThrows(dev.unlearn.core.VerificationFailedException.class, () -> log.append(entry("r4", 0.5)));
    }

    @Test
    void tamperedLastEntryIsReported(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("audit.jsonl");
        AuditLog log = new AuditLog(f);
        log.append(entry("r1", 0.5));
        log.append(entry("r2", 0.5));
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        lines.set(1, lines.get(1).replace("r2", "rX"));
        Files.write(f, lines, StandardCharsets.UTF_8);
        AuditLog.Verification v = log.verify();
        assertFalse(v.ok());
        assertEquals(2, v.brokenLine());
    }

    @Test
    void deletedEntryIsReported(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("audit.jsonl");
        AuditLog log = new AuditLog(f);
        log.append(entry("r1", 0.5));
        log.append(entry("r2", 0.5));
        log.append(entry("r3", 0.5));
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        lines.remove(1);
        Files.write(f, lines, StandardCharsets.UTF_8);
        assertEquals(2, log.verify().brokenLine());
    }
}
