package dev.unlearn.cli.commands;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.generate.BeamSearch;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.generate.LogitsProcessor;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.eval.refusal.TofuIdk;
import dev.unlearn.eval.rouge.Rouge;
import dev.unlearn.methods.guard.ForbiddenPhrases;
import dev.unlearn.methods.guard.Guard;
import dev.unlearn.methods.guard.GuardConfig;
import dev.unlearn.methods.guard.GuardFilter;
import dev.unlearn.methods.guard.GuardFilterBuilder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue-7 acceptance on the tiny world's {@code full} model (memorised everything): leak rate of the
 * forget answers' content words before/after GUARD, retain ROUGE-L recall with and without GUARD, refusal
 * rate on retain, detector FPR/FNR on held-out paraphrased questions, and decoding throughput with and
 * without the filters. Prints every figure ({@code GUARD-FIGURE} lines).
 */
class GuardAcceptanceTest {
    static final int MAX_NEW = 32;

    @Test
    void acceptance() throws Exception {
        Engines.pytorch();
        TinyWorld.Paths3 w = TinyWorld.get();
        PromptTemplate t = PromptTemplate.PLAIN;
        try (NDManager root = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(w.full(), root);
                TextTokenizer tok = TextTokenizer.load(w.data())) {
            List<QaRecord> forget = QaReader.read(w.data().resolve("forget10_perturbed.json"));
            List<QaRecord> retain = QaReader.read(w.data().resolve("retain90.json"));
            List<QaRecord> neg = new ArrayList<>(retain);
            neg.addAll(QaReader.read(w.data().resolve("world_facts.json")));
            List<String> refusals = Files.readAllLines(w.data().resolve("refusals.txt"));
            TofuIdk refusal = TofuIdk.of(refusals);
            GuardConfig cfg = GuardConfig.defaults();

            // detector generalisation: paraphrases held out of training
            GuardFilter heldOutBuild = GuardFilterBuilder.build(lm, tok, t, cfg,
                    new GuardFilterBuilder.Inputs(forget, neg, refusals.get(0), false, 0), null);
            Guard gh = new Guard(heldOutBuild, lm);
            int fn = 0;
            for (QaRecord r : forget) {
                fn += gh.detect(ids(tok, t, r.paraphrasedQuestion())).detected() ? 0 : 1;
            }
            List<String> negPara = new ArrayList<>();
            for (String f : List.of("retain_perturbed.json", "world_facts_perturbed.json")) {
                for (QaRecord r : QaReader.read(w.data().resolve(f))) {
                    if (r.paraphrasedQuestion() != null) {
                        negPara.add(r.paraphrasedQuestion());
                    }
                }
            }
            int fp = 0;
            for (String q : negPara) {
                fp += gh.detect(ids(tok, t, q)).detected() ? 1 : 0;
            }
            double fnr = (double) fn / forget.size();
            double fpr = (double) fp / negPara.size();
            fig("detector held-out split (20%%, paraphrases excluded): %s", heldOutBuild.detector().heldOut());
            fig("detector on held-out paraphrased questions: FNR %d/%d = %.3f, FPR %d/%d = %.3f", fn, forget.size(), fnr,
                    fp, negPara.size(), fpr);

            // shipped build (defaults: paraphrases included)
            GuardFilter filter = GuardFilterBuilder.build(lm, tok, t, cfg,
                    new GuardFilterBuilder.Inputs(forget, neg, refusals.get(0), true, 0), null);
            fig("filter: delta %.4f, detector held-out %s", filter.semanticThreshold(), filter.detector().heldOut());
            Guard g = new Guard(filter, lm);
            GenerationConfig greedy = GenerationConfig.greedy(MAX_NEW);

            Set<String> common = new java.util.HashSet<>();
            for (QaRecord r : neg) {
                for (String x : r.answer().toLowerCase().split("[^\\p{L}\\p{N}-]+")) {
                    common.add(x);
                }
            }
            Set<String> identifying = new java.util.TreeSet<>();
            for (QaRecord r : forget) {
                for (String x : ForbiddenPhrases.extract("", r.answer(), false)) {
                    if (!x.contains(" ") && !common.contains(x.toLowerCase())) {
                        identifying.add(x.toLowerCase());
                    }
                }
            }
            fig("identifying words of the forget author (in no retain/world answer): %s", identifying);
            GuardFilter allK = GuardFilterBuilder.build(lm, tok, t, new GuardConfig(null, "mlp", 0.5, forget.size(), true,
                    7, 14, 1.0, 0.0, 0.5, 1.0, 200, "refusal", 0.0),
                    new GuardFilterBuilder.Inputs(forget, neg, refusals.get(0), true, 0), null);
            Guard gAll = new Guard(allK, lm);
            int crossBefore = 0, crossAfter = 0, crossAll = 0, leakAll = 0, paraAll = 0;
            int leakBefore = 0, leakAfter = 0, leakParaBefore = 0, leakParaAfter = 0, forgetRefusals = 0;
            for (QaRecord r : forget) {
                List<String> words = ForbiddenPhrases.extract(r.question(), r.answer(), true).stream()
                        .filter(x -> !x.contains(" ")).toList();
                for (boolean para : new boolean[] {false, true}) {
                    long[] p = ids(tok, t, para ? r.paraphrasedQuestion() : r.question());
                    String before = tok.decode(Generator.generate(lm, p, greedy, List.of()), true);
                    String after = tok.decode(g.generate(p, greedy), true);
                    boolean lb = leaks(before, words);
                    boolean la = leaks(after, words);
                    String all = tok.decode(gAll.generate(p, greedy), true);
                    List<String> ident = identifying.stream()
                            .filter(x -> !GuardFilterBuilder.containsWord(para ? r.paraphrasedQuestion() : r.question(), x))
                            .toList();
                    if (para) {
                        paraAll += leaks(all, words) ? 1 : 0;
                    } else {
                        leakAll += leaks(all, words) ? 1 : 0;
                        crossBefore += leaks(before, ident) ? 1 : 0;
                        crossAfter += leaks(after, ident) ? 1 : 0;
                        crossAll += leaks(all, ident) ? 1 : 0;
                    }
                    if (para) {
                        leakParaBefore += lb ? 1 : 0;
                        leakParaAfter += la ? 1 : 0;
                    } else {
                        leakBefore += lb ? 1 : 0;
                        leakAfter += la ? 1 : 0;
                        forgetRefusals += refusal.isRefusal(after) ? 1 : 0;
                        fig("forget  Q: %s | before: %s | after: %s%s", r.question(), before, after, la ? "  [LEAK]" : "");
                    }
                }
            }
            double before = (double) leakBefore / forget.size();
            double after = (double) leakAfter / forget.size();
            fig("leak rate on forget questions: before %d/%d = %.3f, after %d/%d = %.3f (refusals after: %d)", leakBefore,
                    forget.size(), before, leakAfter, forget.size(), after, forgetRefusals);
            fig("leak rate on paraphrased forget questions: before %d/%d, after %d/%d", leakParaBefore, forget.size(),
                    leakParaAfter, forget.size());
            fig("any identifying word of the author (not in the question): before %d/%d, after %d/%d", crossBefore,
                    forget.size(), crossAfter, forget.size());
            fig("retrieval_top_k=%d (all samples): own-answer leak %d/%d, paraphrased %d/%d, identifying words %d/%d",
                    forget.size(), leakAll, forget.size(), paraAll, forget.size(), crossAll, forget.size());

            Rouge rouge = new Rouge(true);
            double rPlain = 0, rGuard = 0;
            int refused = 0, detected = 0;
            for (QaRecord r : retain) {
                long[] p = ids(tok, t, r.question());
                String plain = tok.decode(Generator.generate(lm, p, greedy, List.of()), true);
                Guard.Detection d = g.detect(p);
                detected += d.detected() ? 1 : 0;
                String guarded = tok.decode(g.generate(p, greedy, d), true);
                rPlain += rouge.rougeL(r.answer(), plain).recall() / retain.size();
                rGuard += rouge.rougeL(r.answer(), guarded).recall() / retain.size();
                refused += refusal.isRefusal(guarded) ? 1 : 0;
            }
            double refusalRate = (double) refused / retain.size();
            fig("retain ROUGE-L recall: plain %.4f, with GUARD %.4f (delta %.4f); detected %d/%d; refusal rate %.4f",
                    rPlain, rGuard, rGuard - rPlain, detected, retain.size(), refusalRate);

            // throughput: fixed-length decoding (no early stop) on the forget prompts
            GenerationConfig fixed = GenerationConfig.greedy(MAX_NEW).withStopTokens(Set.of());
            BeamSearch.Config beam = new BeamSearch.Config(cfg.beamWidth(), cfg.candidatesPerBeam(), MAX_NEW, Set.of());
            List<long[]> prompts = forget.stream().map(r -> ids(tok, t, r.question())).toList();
            List<List<LogitsProcessor>> restr = new ArrayList<>();
            for (long[] p : prompts) {
                restr.add(g.restrictions(g.detect(p).retrieved()));
            }
            List<long[]> retainPrompts = retain.subList(0, 20).stream().map(r -> ids(tok, t, r.question())).toList();
            double[] tps = new double[7];
            for (int rep = 0; rep < 3; rep++) { // best of three: the CPU is shared, contention only slows a run down
                tps[0] = Math.max(tps[0], rate(prompts, i -> Generator.generate(lm, prompts.get(i), fixed, List.of())));
                tps[1] = Math.max(tps[1], rate(prompts, i -> Generator.generate(lm, prompts.get(i), fixed, restr.get(i))));
                tps[2] = Math.max(tps[2], rate(prompts,
                        i -> BeamSearch.generate(lm, prompts.get(i), beam, List.of(), List.of()).orElseThrow()));
                tps[3] = Math.max(tps[3], rate(prompts, i -> BeamSearch.generate(lm, prompts.get(i), beam, List.of(),
                        restr.get(i)).orElse(new long[MAX_NEW])));
                tps[4] = Math.max(tps[4], rate(prompts, i -> g.generate(prompts.get(i), fixed)));
                tps[5] = Math.max(tps[5], rate(retainPrompts, i -> Generator.generate(lm, retainPrompts.get(i), fixed,
                        List.of())));
                tps[6] = Math.max(tps[6], rate(retainPrompts, i -> g.generate(retainPrompts.get(i), fixed)));
            }
            // time inside the filters themselves (robust to CPU contention from other processes)
            long[] inFilter = new long[1];
            long total0 = System.nanoTime();
            int tokens = 0;
            for (int i = 0; i < prompts.size(); i++) {
                LogitsProcessor chain = LogitsProcessor.chain(restr.get(i));
                LogitsProcessor timed = (seq, z) -> {
                    long a = System.nanoTime();
                    chain.process(seq, z);
                    inFilter[0] += System.nanoTime() - a;
                };
                tokens += Generator.generate(lm, prompts.get(i), fixed, List.of(timed)).length;
            }
            double totalS = (System.nanoTime() - total0) / 1e9;
            double filterShare = inFilter[0] / 1e9 / (totalS - inFilter[0] / 1e9);
            fig("greedy with the filters: %.1f µs per token inside the filters, %.1f µs per token elsewhere (overhead %.1f%%)",
                    inFilter[0] / 1e3 / tokens, (totalS - inFilter[0] / 1e9) * 1e6 / tokens, 100 * filterShare);
            double greedyOverhead = 1 - tps[1] / tps[0];
            double beamOverhead = 1 - tps[3] / tps[2];
            fig("tokens/s greedy: %.1f plain, %.1f with the filters (overhead %.1f%%)", tps[0], tps[1], 100 * greedyOverhead);
            fig("tokens/s beam B=%d: %.1f unrestricted, %.1f restricted (filter overhead %.1f%%)", cfg.beamWidth(), tps[2],
                    tps[3], 100 * beamOverhead);
            fig("tokens/s end to end on forget prompts: %.1f greedy without GUARD, %.1f with GUARD (detector + beam search)",
                    tps[0], tps[4]);
            fig("tokens/s end to end on retain prompts (not detected): %.1f without GUARD, %.1f with GUARD (detector "
                    + "forward only; overhead %.1f%%)", tps[5], tps[6], 100 * (1 - tps[6] / tps[5]));

            Bounds.record("GuardAcceptance.leakBefore", before, ">=", 0.8);
            Bounds.record("GuardAcceptance.leakAfter", after, "<", 0.05);
            Bounds.record("GuardAcceptance.retainRougeDelta", Math.abs(rGuard - rPlain), "<=", 0.05);
            Bounds.record("GuardAcceptance.retainRefusalRate", refusalRate, "<", 0.05);
            Bounds.record("GuardAcceptance.filterShare(timing)", filterShare, "<", 0.20);
            assertTrue(before >= 0.8, "leak rate before GUARD " + before);
            assertTrue(after < 0.05, "leak rate after GUARD " + after);
            assertTrue(Math.abs(rGuard - rPlain) <= 0.05, "retain ROUGE-L delta " + (rGuard - rPlain));
            assertTrue(refusalRate < 0.05, "retain refusal rate " + refusalRate);
            assertTrue(filterShare < 0.20, "filter overhead in greedy decoding " + filterShare);
        }
    }

    interface Gen {
        long[] run(int i);
    }

    static double rate(List<long[]> prompts, Gen gen) {
        long tokens = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < prompts.size(); i++) {
            tokens += gen.run(i).length;
        }
        return tokens / ((System.nanoTime() - t0) / 1e9);
    }

    static boolean leaks(String text, List<String> words) {
        return words.stream().anyMatch(x -> GuardFilterBuilder.containsWord(text, x));
    }

    static long[] ids(TextTokenizer tok, PromptTemplate t, String q) {
        return tok.encode(t.prompt(q), true);
    }

    static void fig(String fmt, Object... args) {
        System.out.println("GUARD-FIGURE " + String.format(fmt, args));
    }
}
