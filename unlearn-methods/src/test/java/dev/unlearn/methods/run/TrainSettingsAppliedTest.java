package dev.unlearn.methods.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainSettings;
import dev.unlearn.core.train.TrainingLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@link TrainSettings} key changes a {@link MethodRunner} run the way it says (gradient ascent
 * on a randomly initialised tiny Llama, one to three steps): what the settings type accepts, the run
 * applies.
 */
class TrainSettingsAppliedTest {
    @TempDir static Path world;
    @TempDir static Path padIsEos;
    static TextTokenizer tok;
    static TextTokenizer eosTok;
    static List<QaRecord> rows;
    /** Four records whose tokenization has the same number of answer tokens (pooled means then average exactly). */
    static List<QaRecord> four;

    static final TrainSettings BASE = TrainSettings.of(1e-3).withBatchSize(4).withMaxSteps(1)
            .withSchedule(Schedule.CONSTANT, 0).withWeightDecay(0).withMaxGradNorm(0);

    /** One finished run: its step records and the parameters before and after. */
    record Run(List<TrainingLoop.StepRecord> steps, Map<String, float[]> before, Map<String, float[]> after) {
        double loss() {
            return steps.get(0).loss();
        }

        long tokens() {
            return steps.get(0).tokens();
        }
    }

    @BeforeAll
    static void data() throws Exception {
        Engines.pytorch();
        SynthWorld.Content c = new SynthWorld(3, 1).write(world);
        rows = c.authorRows();
        tok = TextTokenizer.load(world);
        Map<Integer, List<QaRecord>> byTargets = new LinkedHashMap<>();
        QaTokenization qt = new QaTokenization(tok, PromptTemplate.PLAIN, 512);
        for (QaRecord r : rows) {
            byTargets.computeIfAbsent(qt.tokenize(r).targetCount(), k -> new ArrayList<>()).add(r);
        }
        four = byTargets.values().stream().filter(l -> l.size() >= 4).findFirst().orElseThrow().subList(0, 4);
        // the same world with pad == EOS, as Llama and phi checkpoints have it
        try (Stream<Path> s = Files.list(world)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().startsWith("tokenizer")) {
                    Files.copy(p, padIsEos.resolve(p.getFileName()));
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        Path cfg = padIsEos.resolve("tokenizer_config.json");
        ObjectNode o = (ObjectNode) json.readTree(cfg.toFile());
        o.put("pad_token", o.get("eos_token").isTextual() ? o.get("eos_token").asText() : o.get("eos_token").path("content").asText());
        json.writeValue(cfg.toFile(), o);
        eosTok = TextTokenizer.load(padIsEos);
        assertEquals(eosTok.eosId(), eosTok.padId());
    }

    @AfterAll
    static void close() {
        tok.close();
        eosTok.close();
    }

    private static Run run(TrainSettings s, List<QaRecord> forget) {
        return run(s, forget, tok);
    }

    private static Run run(TrainSettings s, List<QaRecord> forget, TextTokenizer t) {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm lm = CausalLm.random(TinyWorld.config(t.vocabSize(), t.bosId(), t.eosId(), t.padId()), m,
                        Device.cpu(), 5)) {
            Map<String, float[]> before = snapshot(lm);
            List<TrainingLoop.StepRecord> steps = new ArrayList<>();
            MethodRunner.builder().setModel(lm).setTokenizer(t).setForget(forget).setMethod("ga").setSettings(s)
                    .addListener(new TrainingLoop.Listener() {
                        @Override
                        public void onStep(TrainingLoop.StepRecord r) {
                            steps.add(r);
                        }
                    })
                    .build().run();
            return new Run(steps, before, snapshot(lm));
        }
    }

    private static Map<String, float[]> snapshot(CausalLm lm) {
        Map<String, float[]> out = new LinkedHashMap<>();
        lm.parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** L2 norm of (after − before) of {@code a} minus that of {@code b}, over all parameters. */
    private static double updateDistance(Run a, Run b) {
        double sq = 0;
        for (String k : a.before().keySet()) {
            float[] a0 = a.before().get(k), a1 = a.after().get(k), b0 = b.before().get(k), b1 = b.after().get(k);
            for (int i = 0; i < a0.length; i++) {
                double d = ((double) a1[i] - a0[i]) - ((double) b1[i] - b0[i]);
                sq += d * d;
            }
        }
        return Math.sqrt(sq);
    }

    private static double updateNorm(Run a) {
        double sq = 0;
        for (String k : a.before().keySet()) {
            float[] a0 = a.before().get(k), a1 = a.after().get(k);
            for (int i = 0; i < a0.length; i++) {
                double d = (double) a1[i] - a0[i];
                sq += d * d;
            }
        }
        return Math.sqrt(sq);
    }

    private static double rel(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }

    /**
     * {@code grad_accum: 2} at batch 2 takes the same step as batch 4: the loss is the pooled answer-token
     * mean of each micro-batch, the four samples have equal answer lengths, so the mean of the two
     * micro-batch gradients equals the batch-4 gradient. Not bit for bit: padding widths and summation
     * order differ, so the gradients agree to float32 rounding (relative 1e-7..1e-6 per element). The
     * bounds: loss and gradient norm (sums of thousands of float32 terms) within 1e-5 relative; the
     * AdamW update, whose first step is lr·g/(|g|+1e-8), within 1e-3 of its L2 norm (elements with
     * |g| near ε amplify a rounding difference, a handful among 0.2 M; measured on this CPU: printed).
     */
    @Test
    void gradAccumAtBatchBEqualsBatchKTimesB() {
        Run batch4 = run(BASE, four);
        Run accum = run(BASE.withBatchSize(2).withGradAccum(2), four);
        Run noAccum = run(BASE.withBatchSize(2), four);
        assertEquals(1, accum.steps().size());
        assertEquals(batch4.tokens(), accum.tokens(), "both steps saw the same four samples");
        assertTrue(noAccum.tokens() < batch4.tokens(), "without accumulation a step sees half the samples");
        assertTrue(rel(batch4.loss(), accum.loss()) < 1e-5, batch4.loss() + " vs " + accum.loss());
        assertTrue(rel(batch4.steps().get(0).gradNorm(), accum.steps().get(0).gradNorm()) < 1e-5,
                batch4.steps().get(0).gradNorm() + " vs " + accum.steps().get(0).gradNorm());
        double d = updateDistance(batch4, accum) / updateNorm(batch4);
        System.out.printf("grad_accum 2 x batch 2 vs batch 4: loss rel %.2e, grad-norm rel %.2e, update rel L2 %.2e%n",
                rel(batch4.loss(), accum.loss()),
                rel(batch4.steps().get(0).gradNorm(), accum.steps().get(0).gradNorm()), d);
        assertTrue(d < 1e-3, "relative update distance " + d);
        double off = updateDistance(batch4, noAccum) / updateNorm(batch4);
        assertTrue(off > 100 * d, "batch 2 without accumulation is another step: " + off);
    }

    /**
     * {@code max_grad_norm} clips: at 1e-9 every clipped gradient element is far below AdamW's ε = 1e-8,
     * so the first update lr·g/(|g|+ε) shrinks to under a tenth of the unclipped one; the logged norm is
     * the norm before clipping, the same in both runs.
     */
    @Test
    void maxGradNormClips() {
        Run free = run(BASE, four);
        Run clipped = run(BASE.withMaxGradNorm(1e-9), four);
        assertTrue(free.steps().get(0).gradNorm() > 1e-3);
        assertTrue(rel(free.steps().get(0).gradNorm(), clipped.steps().get(0).gradNorm()) < 1e-5);
        assertTrue(updateNorm(clipped) < 0.1 * updateNorm(free), updateNorm(clipped) + " vs " + updateNorm(free));
        Run unit = run(BASE.withMaxGradNorm(1.0), four);
        assertTrue(updateNorm(unit) <= updateNorm(free) * (1 + 1e-6), "clipping never enlarges the step");
    }

    /** {@code lr}: AdamW's first step is proportional to the rate. */
    @Test
    void learningRateScalesTheStep() {
        double ratio = updateNorm(run(BASE.withLearningRate(2e-3), four)) / updateNorm(run(BASE, four));
        assertEquals(2.0, ratio, 2e-3, "ratio " + ratio);
    }

    /** {@code epochs}, {@code max_steps} and {@code batch_size} decide how many steps run and what they see. */
    @Test
    void epochsMaxStepsAndBatchSizeDecideTheSteps() {
        List<QaRecord> eight = rows.subList(0, 8);
        assertEquals(3, run(BASE.withMaxSteps(0).withEpochs(3), four).steps().size(), "3 epochs of one batch");
        assertEquals(4, run(BASE.withMaxSteps(0).withEpochs(2).withBatchSize(4), eight).steps().size());
        assertEquals(2, run(BASE.withMaxSteps(0).withEpochs(2).withBatchSize(4).withGradAccum(2), eight).steps().size(),
                "accumulation divides the step count");
        assertEquals(2, run(BASE.withMaxSteps(2), four).steps().size(), "max_steps overrides epochs");
        Run one = run(BASE.withBatchSize(1), four);
        assertTrue(one.tokens() < run(BASE, four).tokens(), "batch_size sets the samples per step");
    }

    /** {@code weight_decay}: decoupled, p ← p·(1 − lr·wd) on decayed parameters only (not norms). */
    @Test
    void weightDecayShrinksDecayedWeightsOnly() {
        Run plain = run(BASE, four);
        Run decayed = run(BASE.withWeightDecay(0.5), four);
        String w = "model.layers.0.self_attn.q_proj.weight";
        float[] w0 = plain.before().get(w), a = plain.after().get(w), b = decayed.after().get(w);
        double err = 0, scale = 0;
        for (int i = 0; i < w0.length; i++) {
            // decay happens before the Adam step: b = w0 (1 - lr wd) + u, a = w0 + u
            double expected = -1e-3 * 0.5 * w0[i];
            err = Math.max(err, Math.abs((b[i] - a[i]) - expected));
            scale = Math.max(scale, Math.abs(expected));
        }
        assertTrue(err < 1e-2 * scale + 1e-7, "decay " + err + " vs " + scale);
        String norm = "model.layers.0.input_layernorm.weight";
        assertEquals(0.0, maxDiff(plain.after().get(norm), decayed.after().get(norm)), 1e-7, "norms are not decayed");
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    /** {@code schedule} and {@code warmup_steps}: the rate of each step, exactly as Schedule defines it. */
    @Test
    void scheduleAndWarmupSetEachStepsRate() {
        List<Double> warm = run(BASE.withMaxSteps(3).withSchedule(Schedule.LINEAR, 2), four).steps().stream()
                .map(TrainingLoop.StepRecord::learningRate).toList();
        assertEquals(List.of(0.0, 1e-3 * 0.5, 1e-3 * 1.0), warm);
        List<Double> cos = run(BASE.withMaxSteps(3).withSchedule(Schedule.COSINE, 0), four).steps().stream()
                .map(TrainingLoop.StepRecord::learningRate).toList();
        List<Double> expected = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            expected.add(1e-3 * Schedule.COSINE.factor(s, 3, 0));
        }
        assertEquals(expected, cos);
        assertNotEquals(cos, run(BASE.withMaxSteps(3), four).steps().stream()
                .map(TrainingLoop.StepRecord::learningRate).toList());
    }

    /** {@code max_length} cuts every sample. */
    @Test
    void maxLengthCutsTheSamples() {
        QaTokenization qt = new QaTokenization(tok, PromptTemplate.PLAIN, 512);
        int cut = 0;
        long full = 0;
        for (QaRecord r : four) {
            TokenizedExample e = qt.tokenize(r);
            cut = Math.max(cut, e.promptLength() + 1); // every sample keeps at least one answer token
            full += e.length();
        }
        long expected = 0;
        for (QaRecord r : four) {
            expected += Math.min(cut, qt.tokenize(r).length());
        }
        assertTrue(expected < full, "the cut shortens some sample");
        assertEquals(expected, run(BASE.withMaxLength(cut), four).tokens());
        assertEquals(full, run(BASE, four).tokens());
    }

    /**
     * {@code attention_mask} with pad == EOS: identical losses while EOS is only the last token (no
     * scored position attends to it), different ones once an EOS stands inside a sequence, which
     * {@code pad_token} hides from attention like the reference collators.
     */
    @Test
    void attentionMaskPadTokenHidesInnerEos() {
        TrainSettings len = BASE.withAttentionMask(AttentionMasking.LENGTH);
        TrainSettings pad = BASE.withAttentionMask(AttentionMasking.PAD_TOKEN);
        assertTrue(rel(run(len, four, eosTok).loss(), run(pad, four, eosTok).loss()) < 1e-6,
                "EOS only at the end: the same loss");
        String eos = eosTokenText();
        List<QaRecord> inner = new ArrayList<>();
        for (QaRecord r : four) {
            inner.add(new QaRecord(r.id() + "-eos", r.question(), r.answer().replaceFirst(" ", " " + eos + " "), null, null,
                    null, r.entity(), null));
        }
        QaTokenization qt = new QaTokenization(eosTok, PromptTemplate.PLAIN, 512);
        TokenizedExample e = qt.tokenize(inner.get(0));
        long inside = 0;
        for (int t = 0; t < e.length() - 1; t++) {
            inside += e.inputIds()[t] == eosTok.eosId() ? 1 : 0;
        }
        assertEquals(1, inside, "the answer holds one EOS before the final one");
        double a = run(len, inner, eosTok).loss();
        double b = run(pad, inner, eosTok).loss();
        assertTrue(rel(a, b) > 1e-4, "length " + a + " vs pad_token " + b);
    }

    private static String eosTokenText() {
        return eosTok.decode(new long[] {eosTok.eosId()}, false);
    }
}
