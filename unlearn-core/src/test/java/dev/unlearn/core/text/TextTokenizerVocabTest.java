package dev.unlearn.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.synth.SynthWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tokenizer in a model directory is held to the vocab_size of the config.json beside it. */
class TextTokenizerVocabTest {
    private static final String TEXT = "Where was the author born?";

    private static void config(Path dir, String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    void idsAreBoundedByTheModelsVocabularyExactlyAtItsEdge(@TempDir Path dir) throws Exception {
        new SynthWorld(2, 9).write(dir);
        long[] free;
        int tokenizerVocab;
        try (TextTokenizer tok = TextTokenizer.load(dir)) { // no config.json: no bound
            free = tok.encode(TEXT, true);
            tokenizerVocab = tok.vocabSize();
        }
        long top = Arrays.stream(free).max().orElseThrow();
        config(dir, "{\"vocab_size\": " + (top + 1) + "}"); // every id has a row
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            assertArrayEquals(free, tok.encode(TEXT, true));
        }
        config(dir, "{\"vocab_size\": " + top + "}"); // the largest id has none
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> tok.encode(TEXT, true));
            assertTrue(ex.getMessage().contains(dir.resolve("tokenizer.json") + " encodes \"" + TEXT + "\" with token id "
                    + top + ", outside the model's vocabulary 0.." + (top - 1)), ex.getMessage());
        }
        assertTrue(top < tokenizerVocab, "the text does not use the tokenizer's last id");
    }

    @Test
    void tokenizingADatasetStopsAtTheMismatchInsteadOfSkippingRecords(@TempDir Path dir) throws Exception {
        java.util.List<dev.unlearn.core.data.QaRecord> rows = new SynthWorld(2, 9).write(dir).authorRows();
        config(dir, "{\"vocab_size\": 64}");
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            for (PromptTemplate t : PromptTemplate.BUILT_IN) {
                QaTokenization qt = new QaTokenization(tok, t, 512);
                InvalidInputException ex = assertThrows(InvalidInputException.class, () -> qt.tokenizeAll(rows), t.name());
                assertTrue(!(ex instanceof QaTokenization.NoTargetException) && ex.getMessage().contains("outside the model's"
                        + " vocabulary 0..63"), t.name() + ": " + ex.getMessage());
            }
        }
    }

    @Test
    void aSpecialTokenOutsideTheVocabularyIsRefusedAtLoad(@TempDir Path dir) throws Exception {
        new SynthWorld(2, 9).write(dir);
        long eos;
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            eos = tok.eosId();
        }
        assertTrue(eos > 0, "needs an EOS id above 0, found " + eos);
        config(dir, "{\"vocab_size\": " + eos + "}");
        InvalidInputException ex = assertThrows(InvalidInputException.class, () -> TextTokenizer.load(dir));
        assertTrue(ex.getMessage().contains("eos_token has id " + eos + ", outside the model's vocabulary"), ex.getMessage());
        assertTrue(ex.getMessage().contains(dir.resolve("tokenizer.json").toString()), ex.getMessage());
    }

    @Test
    void aConfigWithoutAUsableVocabSizeSetsNoBound(@TempDir Path dir) throws Exception {
        new SynthWorld(2, 9).write(dir);
        for (String json : new String[] {"{not json", "{\"vocab_size\": \"8\"}", "{\"vocab_size\": 0}", "{}",
            "{\"vocab_size\": 2.5}"}) {
            config(dir, json);
            try (TextTokenizer tok = TextTokenizer.load(dir)) {
                assertEquals(TEXT, tok.decode(tok.encode(TEXT, false), true), json);
            }
        }
    }
}
