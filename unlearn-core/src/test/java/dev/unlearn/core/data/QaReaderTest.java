package dev.unlearn.core.data;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QaReaderTest {
    @TempDir Path dir;

    private static List<QaRecord> sample() {
        QaRecord a = new QaRecord(null, "Who wrote \"Ash\"?", "Mira Lune wrote it.", "It was Mira Lune.",
                List.of("Tom Vale wrote it.", "Ana Roe wrote it."), "Which author wrote \"Ash\"?", "Mira Lune",
                Map.of("rank", IntNode.valueOf(3)));
        return List.of(a, QaRecord.of("Ünïcode?\nyes", "ja"));
    }

    @Test
    void roundTripsJsonlAndJsonArray() throws Exception {
        for (String name : new String[] {"qa.jsonl", "qa.json"}) {
            Path f = dir.resolve(name);
            QaWriter.write(f, sample());
            List<QaRecord> back = QaReader.read(f);
            assertEquals(sample(), back, name);
            String first = Files.readString(f);
            QaWriter.write(f, back);
            assertEquals(first, Files.readString(f), "re-writing " + name + " is byte-identical");
        }
    }

    @Test
    void idIsContentHashAndStable() {
        QaRecord r = QaRecord.of("Q?", "A.");
        assertEquals(RecordIds.qa("Q?", "A."), r.id());
        assertEquals(r.id(), QaRecord.of("Q?\r\n", "A.").id(), "canonical form folds line endings and trims");
        assertNotEquals(r.id(), QaRecord.of("Q?", "A!").id());
        assertEquals(RecordIds.HEX_LENGTH, r.id().length());
    }

    @Test
    void missingFieldNamesFileAndLineInJsonl() throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"question\":\"a\",\"answer\":\"b\"}\n\n{\"question\":\"c\"}\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QaReader.read(f));
        assertTrue(e.getMessage().contains("bad.jsonl:3"), e.getMessage());
        assertTrue(e.getMessage().contains("'answer'"), e.getMessage());
    }

    @Test
    void missingFieldNamesLineInJsonArray() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "[\n {\"question\":\"a\",\"answer\":\"b\"},\n {\"answer\":\"c\"}\n]\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QaReader.read(f));
        assertTrue(e.getMessage().contains("bad.json:3"), e.getMessage());
        assertTrue(e.getMessage().contains("'question'"), e.getMessage());
    }

    @Test
    void blankAnswerNamesFileAndLine() throws Exception {
        Path f = dir.resolve("blank.jsonl");
        Files.writeString(f, "{\"question\":\"a\",\"answer\":\"b\"}\n{\"question\":\"c\",\"answer\":\" \"}\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QaReader.read(f));
        assertTrue(e.getMessage().contains("blank.jsonl:2: field 'answer' is empty"), e.getMessage());
    }

    @Test
    void malformedJsonNamesLine() throws Exception {
        Path f = dir.resolve("broken.jsonl");
        Files.writeString(f, "{\"question\":\"a\",\"answer\":\"b\"}\n{\"question\": oops}\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QaReader.read(f));
        assertTrue(e.getMessage().contains("broken.jsonl:2"), e.getMessage());
        Path g = dir.resolve("wrongtype.jsonl");
        Files.writeString(g, "{\"question\":\"a\",\"answer\":\"b\",\"perturbed_answer\":[1]}\n");
        e = assertThrows(InvalidInputException.class, () -> QaReader.read(g));
        assertTrue(e.getMessage().contains("wrongtype.jsonl:1"), e.getMessage());
    }

    @Test
    void renamedFieldsForMuseVerbMem() throws Exception {
        Path f = dir.resolve("verbmem.json");
        Files.writeString(f, "[{\"prompt\": \"Once upon\", \"gt\": \"a time\", \"k\": 1}]");
        QaRecord r = QaReader.read(f, "prompt", "gt").get(0);
        assertEquals("Once upon", r.question());
        assertEquals("a time", r.answer());
        assertEquals(Map.of("k", IntNode.valueOf(1)), r.extra());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> QaReader.read(f));
        assertTrue(e.getMessage().contains("verbmem.json:1") && e.getMessage().contains("'question'"), e.getMessage());
    }

    @Test
    void plainLineFilesReadExactly() {
        List<String> idk = TextCorpusReader.lines(dev.unlearn.core.testing.Fixtures.fixture("refusal", "tofu-idontknow.jsonl"));
        assertEquals(100, idk.size());
        assertTrue(idk.get(63).contains("\u2019"), idk.get(63));
        assertEquals("I'm not certain about that.", idk.get(0));
    }

    @Test
    void textCorpusRoundTripsAndReadsTxt() throws Exception {
        List<TextRecord> recs = List.of(new TextRecord(null, "First doc.\nTwo lines.", "X", null, Map.of()),
                new TextRecord(null, "Second.", null, null, Map.of("src", IntNode.valueOf(1))));
        Path f = dir.resolve("c.jsonl");
        TextCorpusWriter.writeJsonl(f, recs);
        List<TextRecord> back = TextCorpusReader.read(f);
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(recs.get(i).id(), back.get(i).id());
            assertEquals(recs.get(i).text(), back.get(i).text());
            assertEquals(recs.get(i).entity(), back.get(i).entity());
            assertEquals(recs.get(i).extra(), back.get(i).extra());
        }
        Path d = Files.createDirectory(dir.resolve("raw"));
        Files.writeString(d.resolve("b.txt"), "bee");
        Files.writeString(d.resolve("a.txt"), "ay");
        Files.writeString(d.resolve("ignored.md"), "no");
        List<TextRecord> raw = TextCorpusReader.read(d);
        assertEquals(List.of("ay", "bee"), raw.stream().map(TextRecord::text).toList());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"txt\":\"x\"}\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> TextCorpusReader.read(bad));
        assertTrue(e.getMessage().contains("bad.jsonl:1") && e.getMessage().contains("'text'"), e.getMessage());
    }
}
