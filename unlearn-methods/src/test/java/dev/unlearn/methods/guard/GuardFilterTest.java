package dev.unlearn.methods.guard;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GUARD on the tiny world's {@code full} model: file round trip, bit-identical non-detected decoding, no leaks. */
class GuardFilterTest {
    static NDManager root;
    static CausalLm lm;
    static TextTokenizer tok;
    static List<QaRecord> forget;
    static List<QaRecord> retain;
    static GuardFilter filter;

    @BeforeAll
    static void setUp() {
        Engines.pytorch();
        TinyWorld.Paths3 w = TinyWorld.get();
        root = NDManager.newBaseManager();
        lm = Checkpoint.load(w.full(), root);
        tok = TextTokenizer.load(w.data());
        forget = QaReader.read(w.data().resolve("forget10.json"));
        retain = QaReader.read(w.data().resolve("retain90.json"));
        List<QaRecord> neg = new ArrayList<>(retain);
        neg.addAll(QaReader.read(w.data().resolve("world_facts.json")));
        filter = GuardFilterBuilder.build(lm, tok, PromptTemplate.PLAIN, GuardConfig.defaults(),
                new GuardFilterBuilder.Inputs(forget, neg, "I don't know.", true, 0), null);
    }

    @AfterAll
    static void tearDown() {
        tok.close();
        lm.close();
        root.close();
    }

    static long[] prompt(String q) {
        return tok.encode(PromptTemplate.PLAIN.prompt(q), true);
    }

    @Test
    void fileRoundTripsWithoutRawText(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("filter.json");
        filter.write(f);
        String json = Files.readString(f);
        for (QaRecord r : forget) {
            assertFalse(json.contains(r.answer()), "raw answer stored: " + r.answer());
            assertFalse(json.contains(r.question()), "raw question stored: " + r.question());
        }
        GuardFilter back = GuardFilter.read(f);
        assertEquals(filter.config(), back.config());
        assertEquals(filter.samples().size(), back.samples().size());
        assertArrayEquals(filter.samples().get(3).forbiddenSequences().get(0), back.samples().get(3).forbiddenSequences().get(0));
        long[] p = prompt(forget.get(1).question());
        assertEquals(new Guard(filter, lm).detect(p).score(), new Guard(back, lm).detect(p).score(), 1e-6);

        // a key given twice, or a second value after the filter, is a damaged file, not a choice between values
        Path twice = dir.resolve("twice.json");
        Files.writeString(twice, json.replaceFirst("\\{", "{\"version\": 1, "));
        InvalidInputException dup = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> GuardFilter.read(twice));
        assertTrue(dup.getMessage().contains("twice.json") && dup.getMessage().contains("version"), dup.getMessage());
        Path trailing = dir.resolve("trailing.json");
        Files.writeString(trailing, json + "\n{}");
        InvalidInputException tail = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> GuardFilter.read(trailing));
        assertTrue(tail.getMessage().contains("trailing.json"), tail.getMessage());
    }

    @Test
    void nonDetectedPromptDecodesBitIdentically() {
        Guard g = new Guard(filter, lm);
        GenerationConfig greedy = GenerationConfig.greedy(24);
        GenerationConfig sampling = GenerationConfig.sampling(24, 0.9, 0.95, 11);
        int checked = 0;
        for (QaRecord r : retain.subList(0, 20)) {
            long[] p = prompt(r.question());
            Guard.Detection d = g.detect(p);
            if (d.detected()) {
                continue;
            }
            checked++;
            assertArrayEquals(Generator.generate(lm, p, greedy, List.of()), g.generate(p, greedy), r.question());
            assertArrayEquals(Generator.generate(lm, p, sampling, List.of()), g.generate(p, sampling), r.question());
        }
        Bounds.record("GuardFilterTest.nonDetectedRetainOf20", checked, ">=", 15);
        assertTrue(checked >= 15, "too few non-detected retain prompts: " + checked);
    }

    @Test
    void detectedForgetPromptsDoNotEmitForbiddenWords() {
        Guard g = new Guard(filter, lm);
        int leaksBefore = 0;
        for (QaRecord r : forget) {
            long[] p = prompt(r.question());
            Guard.Detection d = g.detect(p);
            Bounds.record("GuardFilterTest.forgetDetected", d.detected() ? 1 : 0, "==", 1);
            assertTrue(d.detected(), r.question() + " score " + d.score());
            List<String> words = ForbiddenPhrases.extract(r.question(), r.answer(), true).stream()
                    .filter(w -> !w.contains(" ")).toList();
            String before = tok.decode(Generator.generate(lm, p, GenerationConfig.greedy(24), List.of()), true);
            String after = tok.decode(g.generate(p, GenerationConfig.greedy(24)), true);
            leaksBefore += words.stream().anyMatch(w -> GuardFilterBuilder.containsWord(before, w)) ? 1 : 0;
            Bounds.record("GuardFilterTest.leakAfter", words.stream().anyMatch(w -> GuardFilterBuilder.containsWord(after, w))
                    ? 1 : 0, "==", 0);
            for (String w : words) {
                assertFalse(GuardFilterBuilder.containsWord(after, w), "'" + w + "' leaked in: " + after);
            }
        }
        Bounds.record("GuardFilterTest.leaksBeforeOf20", leaksBefore, ">=", 16);
        assertTrue(leaksBefore >= 16, "the full model should leak most answers before GUARD: " + leaksBefore);
    }

    /** Beam width 1 with one candidate: the step where the memorised word is the only candidate is fully blocked. */
    @Test
    void fullyBlockedStepFallsBackToTheRefusal() {
        GuardConfig one = new GuardConfig(null, "mlp", 0.5, 1, true, 1, 1, 1.0, 0.0, 0.5, 1.0, 200, "refusal", 0.0);
        GuardFilter f = new GuardFilter(filter.format(), filter.version(), filter.model(), filter.template(), one,
                filter.detector(), filter.semanticThreshold(), filter.continuationTokenIds(), filter.refusalIds(),
                filter.samples());
        Guard g = new Guard(f, lm);
        long[] out = g.generate(prompt("Where was Sefton Quarry born?"), GenerationConfig.greedy(24));
        Bounds.record("GuardFilterTest.fullyBlockedIsRefusal", java.util.Arrays.equals(g.refusal(), out) ? 1 : 0, "==", 1);
        assertArrayEquals(g.refusal(), out);
        assertEquals("I don't know.", tok.decode(out, true).strip());
    }
}
