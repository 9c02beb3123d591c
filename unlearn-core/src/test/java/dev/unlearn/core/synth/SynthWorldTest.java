package dev.unlearn.core.synth;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.Splits;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthWorldTest {
    @TempDir Path tmp;

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void sameSeedGivesByteIdenticalFilesAndOtherSeedDiffers() throws Exception {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        new SynthWorld(10, 3).write(a);
        new SynthWorld(10, 3).write(b);
        new SynthWorld(10, 4).write(c);
        assertEquals(listing(a), listing(b));
        for (String f : listing(a)) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve("full.json")),
                Files.readAllBytes(c.resolve("full.json"))), "another seed, another world");
    }

    @Test
    void splitSizesAndTofuFieldNames() throws Exception {
        int n = 20;
        Path dir = tmp.resolve("w");
        SynthWorld.Content content = new SynthWorld(n, 1).write(dir);
        List<QaRecord> full = QaReader.read(dir.resolve("full.json"));
        assertEquals(n * SynthWorld.QA_PER_AUTHOR, full.size());
        assertEquals(n, Splits.entities(full).size());
        assertEquals(full.size(), new HashSet<>(full.stream().map(QaRecord::id).toList()).size(), "ids unique");
        for (int p : SynthWorld.FORGET_PERCENTS) {
            List<QaRecord> f = QaReader.read(dir.resolve(SynthWorld.forgetName(p) + ".json"));
            List<QaRecord> r = QaReader.read(dir.resolve(SynthWorld.retainName(p) + ".json"));
            List<QaRecord> fp = QaReader.read(dir.resolve(SynthWorld.forgetName(p) + "_perturbed.json"));
            int k = Math.max(1, (int) Math.round(n * p / 100.0));
            assertEquals(k * SynthWorld.QA_PER_AUTHOR, f.size(), "forget" + p);
            assertEquals(full.size(), f.size() + r.size());
            Set<String> fe = new HashSet<>(f.stream().map(QaRecord::entity).toList());
            assertTrue(r.stream().noneMatch(x -> fe.contains(x.entity())), "retain" + (100 - p) + " disjoint");
            assertEquals(full.subList(full.size() - f.size(), full.size()), f, "forget = last authors");
            assertEquals(f.stream().map(QaRecord::id).toList(), fp.stream().map(QaRecord::id).toList());
            for (QaRecord x : fp) {
                assertEquals(SynthWorld.PERTURBED, x.perturbedAnswers().size());
                assertEquals(SynthWorld.PERTURBED, new HashSet<>(x.perturbedAnswers()).size());
                assertFalse(x.perturbedAnswers().contains(x.answer()));
                assertNotNull(x.paraphrasedAnswer());
                assertNotEquals(x.answer(), x.paraphrasedAnswer());
                assertNotNull(x.paraphrasedQuestion());
            }
        }
        List<QaRecord> rp = QaReader.read(dir.resolve("retain_perturbed.json"));
        assertEquals(2 * SynthWorld.QA_PER_AUTHOR, rp.size());
        Set<String> f10 = new HashSet<>(QaReader.read(dir.resolve("forget10.json")).stream().map(QaRecord::entity).toList());
        assertTrue(rp.stream().noneMatch(x -> f10.contains(x.entity())));
        List<QaRecord> wf = QaReader.read(dir.resolve("world_facts_perturbed.json"));
        assertEquals(content.worldFacts().size(), wf.size());
        wf.forEach(x -> assertEquals(SynthWorld.WORLD_PERTURBED, x.perturbedAnswers().size()));
        assertEquals(content.worldFacts().size() + content.realAuthors().size(),
                QaReader.read(dir.resolve("world_facts.json")).size());
        // Raw field names, as TOFU spells them.
        JsonNode row = new ObjectMapper().readTree(Files.readAllLines(dir.resolve("forget10_perturbed.json")).get(0));
        for (String field : List.of("question", "answer", "paraphrased_answer", "perturbed_answer", "paraphrased_question")) {
            assertTrue(row.has(field), field);
        }
        assertTrue(row.get("perturbed_answer").isArray());
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("world.json").toFile());
        assertEquals(n * SynthWorld.QA_PER_AUTHOR, manifest.path("files").path("full.json").path("rows").asInt());
    }

    @Test
    void tenAuthorsDocumentedRule() throws Exception {
        Path dir = tmp.resolve("ten");
        SynthWorld.defaults().write(dir);
        for (int p : SynthWorld.FORGET_PERCENTS) {
            assertEquals(SynthWorld.QA_PER_AUTHOR, QaReader.read(dir.resolve(SynthWorld.forgetName(p) + ".json")).size());
        }
    }

    @Test
    void tokenizerLoadsInDjlAndRoundTripsEveryText() throws Exception {
        Path dir = tmp.resolve("tok");
        List<String> idk = dev.unlearn.core.data.TextCorpusReader.lines(
                dev.unlearn.core.testing.Fixtures.fixture("refusal", "tofu-idontknow.jsonl"));
        new SynthWorld(12, 5).write(dir, idk);
        List<String> texts = new ArrayList<>(idk);
        texts.addAll(dev.unlearn.core.data.TextCorpusReader.lines(dir.resolve("refusals.txt")));
        assertEquals(SynthWorld.REFUSALS, dev.unlearn.core.data.TextCorpusReader.lines(dir.resolve("refusals.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".json") && !p.endsWith("world.json")
                    && !p.getFileName().toString().startsWith("tokenizer")).toList()) {
                for (QaRecord r : QaReader.read(f)) {
                    texts.add(r.question());
                    texts.add(r.answer());
                    texts.addAll(r.perturbedAnswers());
                    if (r.paraphrasedAnswer() != null) {
                        texts.add(r.paraphrasedAnswer());
                        texts.add(r.paraphrasedQuestion());
                    }
                    for (PromptTemplate t : PromptTemplate.BUILT_IN) {
                        texts.add(t.full(r.question(), r.answer()));
                    }
                }
            }
        }
        try (TextTokenizer tok = TextTokenizer.load(dir)) {
            long unk = tok.specialTokens().get(SynthTokenizer.UNK);
            assertEquals(2L, tok.eosId());
            assertEquals(0L, tok.padId());
            assertEquals(1L, tok.bosId());
            assertTrue(tok.vocabSize() > 100 && tok.vocabSize() < 2000, "vocab " + tok.vocabSize());
            for (String t : texts) {
                long[] ids = tok.encode(t, true);
                assertEquals(1L, ids[0], "BOS first");
                for (long id : ids) {
                    assertNotEquals(unk, id, () -> "unknown token in: " + t + " -> " + tok.tokens(t, false));
                }
                assertEquals(t, tok.decode(ids, true), "round trip");
            }
            long[] odd = tok.encode("zzyzx qwerty", false);
            assertTrue(java.util.Arrays.stream(odd).anyMatch(i -> i == unk), "a word outside the corpus is <unk>");
        }
    }
}
