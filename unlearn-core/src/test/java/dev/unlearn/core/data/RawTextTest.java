package dev.unlearn.core.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.synth.SynthNews;
import dev.unlearn.core.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawTextTest {
    @TempDir Path tmp;

    @Test
    void disjointWindowsCoverEveryTokenOnce() {
        assertEquals(List.of(new TextChunker.Window(0, 4, 0), new TextChunker.Window(4, 8, 4), new TextChunker.Window(6, 10, 8)),
                TextChunker.windows(10, 4, 4), "the last window is moved back to end at the document's end");
        assertEquals(List.of(new TextChunker.Window(0, 3, 0)), TextChunker.windows(3, 4, 4), "a short document is one window");
        assertEquals(List.of(), TextChunker.windows(0, 4, 4));
    }

    @Test
    void stridedWindowsOverlapAsContextOnly() {
        List<TextChunker.Window> w = TextChunker.windows(10, 4, 2);
        assertEquals(List.of(new TextChunker.Window(0, 4, 0), new TextChunker.Window(2, 6, 4), new TextChunker.Window(4, 8, 6),
                new TextChunker.Window(6, 10, 8)), w);
        int targets = 0;
        for (TextChunker.Window x : w) {
            targets += x.end() - x.firstNew();
        }
        assertEquals(10, targets, "every token is a target exactly once");
        assertThrows(InvalidInputException.class, () -> TextChunker.windows(10, 4, 5));
        assertThrows(InvalidInputException.class, () -> TextChunker.windows(10, 4, 0));
    }

    @Test
    void layoutsSplitTextFilesIntoDocuments() throws Exception {
        Path f = tmp.resolve("c.txt");
        Files.writeString(f, "one line\ntwo line\n\nthird block\n");
        assertEquals(1, RawTextReader.read(f, RawTextReader.Layout.FILE).size());
        assertEquals(List.of("one line", "two line", "third block"),
                RawTextReader.read(f, RawTextReader.Layout.LINE).stream().map(TextRecord::text).toList());
        assertEquals(List.of("one line\ntwo line", "third block"),
                RawTextReader.read(f, RawTextReader.Layout.PARAGRAPH).stream().map(TextRecord::text).toList());
        Path j = tmp.resolve("d.jsonl");
        Files.writeString(j, "{\"text\": \"a doc\", \"entity\": \"E\"}\n{\"text\": \"b doc\"}\n");
        List<TextRecord> rows = RawTextReader.read(j, RawTextReader.Layout.LINE);
        assertEquals(List.of("a doc", "b doc"), rows.stream().map(TextRecord::text).toList());
        assertEquals("E", rows.get(0).entity());
        assertEquals(3, RawTextReader.read(tmp, RawTextReader.Layout.FILE).size(), "a folder: one txt document and two rows");
        Files.writeString(tmp.resolve("bad.jsonl"), "{\"body\": \"x\"}\n");
        assertThrows(InvalidInputException.class, () -> RawTextReader.read(tmp.resolve("bad.jsonl"), RawTextReader.Layout.FILE));
        assertThrows(InvalidInputException.class, () -> RawTextReader.Layout.byName("pages"));
    }

    @Test
    void builtinNewsCorpusReadsAsMuseLayoutAndTokenizesWithoutUnknowns() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        SynthNews news = new SynthNews(6, 1, 1, 3);
        SynthNews.Written w = news.write(a, List.of("Pretend you know."));
        news.write(b, List.of("Pretend you know."));
        for (String f : List.of("raw/forget.txt", "raw/retain1.txt", "knowmem/forget_qa.json", "verbmem/forget.json",
                "privleak/holdout.json", "tokenizer.json")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), "deterministic: " + f);
        }
        MuseCorpus c = MuseCorpus.load(a);
        assertEquals(1, c.forget().size(), "forget.txt is one document");
        assertEquals(2, c.retain().size(), "retain1 + retain2");
        assertEquals(20, c.forgetQa().size());
        assertEquals(40, c.retainQa().size());
        assertEquals(3, c.forgetIcl().size());
        assertEquals(w.verbmemRows(), c.verbmem().size());
        assertEquals(18, c.verbmem().size(), "20 prose sentences give 18 prompts with two-sentence continuations");
        assertFalse(c.privleakForget().isEmpty());
        assertFalse(c.privleakHoldout().isEmpty());
        String forgetName = w.forget().get(0).name();
        assertTrue(c.forget().get(0).text().contains(forgetName));
        assertTrue(c.retain().stream().noneMatch(d -> d.text().contains(forgetName)), "forget entity absent from retain");
        assertTrue(c.forgetQa().stream().allMatch(q -> q.paraphrasedQuestion() != null && q.perturbedAnswers().size() == 5));
        try (TextTokenizer tok = TextTokenizer.load(a)) {
            long unk = tok.specialTokens().getOrDefault("<unk>", 3L);
            List<TokenizedExample> ex = TextChunker.chunk(tok, c.forget(), 64, 0);
            assertTrue(ex.size() > 2);
            int targets = 0;
            for (TokenizedExample e : ex) {
                assertTrue(e.length() <= 64);
                assertEquals(tok.bosId().longValue(), e.inputIds()[0]);
                for (long id : e.inputIds()) {
                    assertNotEquals(unk, id, "no unknown token");
                }
                targets += e.targetCount();
            }
            assertEquals(tok.encode(c.forget().get(0).text(), false).length, targets, "disjoint chunks: every token a target once");
            long[] prefix = tok.encode("Pretend you know.", false);
            for (long id : prefix) {
                assertNotEquals(unk, id, "extra texts are covered by the tokenizer");
            }
            int strided = 0;
            for (TokenizedExample e : TextChunker.chunk(tok, c.forget(), 64, 16)) {
                strided += e.targetCount();
            }
            assertEquals(targets, strided, "strided chunks: overlap is context only");
        }
    }
}
