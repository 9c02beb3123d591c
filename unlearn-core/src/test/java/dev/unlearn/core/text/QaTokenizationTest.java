package dev.unlearn.core.text;

import static org.junit.jupiter.api.Assertions.*;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TextRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.synth.SynthWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QaTokenizationTest {
    @TempDir static Path dir;
    static TextTokenizer tok;
    static List<QaRecord> rows;

    @BeforeAll
    static void world() {
        rows = new SynthWorld(4, 9).write(dir).authorRows();
        tok = TextTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void targetsAreExactlyAnswerTokensPlusEos() {
        for (PromptTemplate t : PromptTemplate.BUILT_IN) {
            QaTokenization qt = new QaTokenization(tok, t, 512);
            for (QaRecord r : rows.subList(0, 20)) {
                TokenizedExample ex = qt.tokenize(r);
                long[] ids = ex.inputIds();
                assertEquals(tok.eosId(), ids[ids.length - 1], "EOS appended");
                long[] prompt = tok.encode(t.prompt(r.question()), true);
                assertEquals(prompt.length, ex.promptLength(), "prompt length = prompt tokenised alone");
                if (t.prompt("q").endsWith(" ")) {
                    // OU's "Answer: " ends in a space that this tokenizer joins to the next word: the
                    // reference accepts the boundary merge (evaluation.md 1.2), so the first answer
                    // token is masked. PLAIN avoids this by putting the space into the answer part.
                    assertNotEquals(prompt[prompt.length - 1], ids[ex.promptLength() - 1], t.name());
                    continue;
                }
                assertArrayEquals(prompt, Arrays.copyOf(ids, ex.promptLength()), t.name() + ": prompt tokenised alone");
                assertEquals(t.answerPrefix() + r.answer() + "</s>", qt.scoredText(ex), t.name());
                long[] labels = ex.labels();
                for (int i = 0; i < labels.length; i++) {
                    assertEquals(i < ex.promptLength() ? TokenizedExample.IGNORE : ids[i], labels[i]);
                }
                List<QaTokenization.Token> explained = qt.explain(ex);
                assertEquals(ex.targetCount(), explained.stream().filter(QaTokenization.Token::scored).count());
            }
        }
    }

    @Test
    void truncationDropsEosAndEmptyTargetsAreSkipped() {
        QaRecord r = rows.get(0);
        QaTokenization full = new QaTokenization(tok, PromptTemplate.PLAIN, 512);
        int n = full.tokenize(r).length();
        int nq = full.tokenize(r).promptLength();
        TokenizedExample cut = new QaTokenization(tok, PromptTemplate.PLAIN, n - 1).tokenize(r);
        assertEquals(n - 1, cut.length());
        assertNotEquals(tok.eosId(), cut.inputIds()[cut.length() - 1]);
        QaTokenization tiny = new QaTokenization(tok, PromptTemplate.PLAIN, nq);
        assertThrows(InvalidInputException.class, () -> tiny.tokenize(r));
        QaTokenization.Result res = tiny.tokenizeAll(List.of(r, QaRecord.of("Who?", "Paris.")));
        assertTrue(res.skipped().contains(r.id()));
        assertEquals(1, res.examples().size());
    }

    @Test
    void textRecordsScoreEverythingAfterBos() {
        QaTokenization qt = new QaTokenization(tok, PromptTemplate.PLAIN, 512);
        TokenizedExample ex = qt.tokenizeText(new TextRecord(null, "The capital is Paris.", null, "t", Map.of()));
        assertEquals(1, ex.promptLength());
        assertEquals(1L, ex.inputIds()[0]);
    }

    @Test
    void corpusChunksCoverTheJoinedTextWithBosEach() {
        QaTokenization qt = new QaTokenization(tok, PromptTemplate.PLAIN, 512);
        List<TextRecord> docs = List.of(new TextRecord(null, rows.get(0).answer(), null, "a", Map.of()),
                new TextRecord(null, rows.get(1).answer() + " " + rows.get(2).answer(), null, "b", Map.of()));
        String joined = docs.get(0).text() + "\n\n" + docs.get(1).text();
        int n = tok.encode(joined, false).length;
        List<TokenizedExample> chunks = qt.chunkCorpus(docs, 7);
        assertEquals((n + 6) / 7, chunks.size());
        StringBuilder back = new StringBuilder();
        for (TokenizedExample c : chunks) {
            assertEquals(1L, c.inputIds()[0], "BOS");
            assertEquals(1, c.promptLength());
            back.append(tok.decode(Arrays.copyOfRange(c.inputIds(), 1, c.length()), false));
        }
        assertEquals(joined, back.toString());
        // no silent truncation at a default model_max_length
        String longText = String.join(" ", rows.stream().map(QaRecord::answer).toList());
        long[] ids = tok.encode(longText, false);
        assertTrue(ids.length > 600, "long text has " + ids.length + " tokens");
        assertEquals(longText, tok.decode(ids, false));
    }

    @Test
    void templatesByNameAndMissingTokenizer() {
        assertEquals(PromptTemplate.LLAMA2, PromptTemplate.byName("llama2"));
        assertEquals("Question: q\nAnswer:", PromptTemplate.PLAIN.prompt("q"));
        assertEquals("[INST] q [/INST]a", PromptTemplate.LLAMA2.full("q", "a"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> PromptTemplate.byName("nope"));
        assertTrue(e.getMessage().contains("plain"));
        Path empty = dir.resolve("empty");
        assertThrows(InvalidInputException.class, () -> TextTokenizer.load(empty));
        assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
    }
}
