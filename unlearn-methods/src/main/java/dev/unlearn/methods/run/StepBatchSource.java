package dev.unlearn.methods.run;

import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.ForgetRetainPairing;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.train.BatchSource;
import dev.unlearn.methods.spi.TemplateSampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The micro-batches of a loss-based run, a pure function of {@code (epoch, index)} as core's loop needs
 * for resumes: {@code "forget"} (shuffled each epoch), {@code "retain"} (methods.md §1.1 pairing, when a
 * retain set is given), {@code "templates"} (FLAT §5.4: the same forget questions with a template answer
 * drawn uniformly per fetch, seeded by {@code (seed, epoch, index)}) and {@code "decoupled"} (PD §8.3:
 * each forget sample's decoupled sample, aligned by index).
 *
 * <p>With a token budget ({@code max_batch_tokens} &gt; 0) the forget batches, and the retain batches
 * paired with them, are cut by rows and padded tokens (core's {@code Batches} and
 * {@code ForgetRetainPairing}: same order, same retain draws); the template and decoupled batches have
 * the forget batch's rows, so they hold as many rows but are not cut by the budget themselves (their
 * rows are bounded by {@code max_length} like every row).
 */
final class StepBatchSource implements BatchSource {
    static final String FORGET = "forget";
    static final String RETAIN = "retain";
    static final String TEMPLATES = "templates";
    static final String DECOUPLED = "decoupled";

    private final BatchSource base;
    private final long padId;
    private final long seed;
    private final Map<String, String> questions;
    private final List<String> templates;
    private final QaTokenization tokenization;
    private final Map<String, TokenizedExample> decoupled;

    /**
     * @param questions forget example id to question text (FLAT), or null without templates
     * @param templates template answers, or null/empty when the method needs none
     * @param decoupled forget example id to its PD sample, or null without PD
     */
    StepBatchSource(List<TokenizedExample> forget, List<TokenizedExample> retain, int batchSize, long padId, long seed,
            Map<String, String> questions, List<String> templates, QaTokenization tokenization,
            Map<String, TokenizedExample> decoupled) {
        this(forget, retain, batchSize, 0, padId, seed, questions, templates, tokenization, decoupled);
    }

    /** @param maxTokens padded tokens per forget (and per retain) batch, 0 = no token budget */
    StepBatchSource(List<TokenizedExample> forget, List<TokenizedExample> retain, int batchSize, int maxTokens,
            long padId, long seed, Map<String, String> questions, List<String> templates, QaTokenization tokenization,
            Map<String, TokenizedExample> decoupled) {
        this.base = retain.isEmpty() ? forgetOnly(forget, batchSize, maxTokens, padId, seed)
                : BatchSource.paired(new ForgetRetainPairing(forget, retain, batchSize, maxTokens, padId, seed));
        this.padId = padId;
        this.seed = seed;
        this.questions = questions;
        this.templates = templates == null ? List.of() : templates;
        this.tokenization = tokenization;
        this.decoupled = decoupled;
    }

    /** Core's shuffled one-dataset source, its {@code "train"} batch named {@code "forget"}. */
    private static BatchSource forgetOnly(List<TokenizedExample> forget, int batchSize, int maxTokens, long padId,
            long seed) {
        BatchSource train = BatchSource.shuffled(forget, batchSize, maxTokens, padId, seed);
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return train.batchesPerEpoch();
            }

            @Override
            public int batchesIn(int epoch) {
                return train.batchesIn(epoch);
            }

            @Override
            public Map<String, Batch> batches(int epoch, int index) {
                return Map.of(FORGET, train.batches(epoch, index).get("train"));
            }
        };
    }

    @Override
    public int batchesPerEpoch() {
        return base.batchesPerEpoch();
    }

    @Override
    public int batchesIn(int epoch) {
        return base.batchesIn(epoch);
    }

    @Override
    public Map<String, Batch> batches(int epoch, int index) {
        Map<String, Batch> out = new LinkedHashMap<>(base.batches(epoch, index));
        Batch forget = out.get(FORGET);
        if (!templates.isEmpty()) {
            TemplateSampler sampler = new TemplateSampler(templates, mix(seed, epoch, index));
            List<TokenizedExample> t = new ArrayList<>();
            for (TokenizedExample f : forget.examples()) {
                t.add(tokenization.tokenize(f.id() + "#template", questions.get(f.id()), sampler.next()));
            }
            out.put(TEMPLATES, new Batch(t, padId));
        }
        if (decoupled != null) {
            List<TokenizedExample> d = new ArrayList<>();
            for (TokenizedExample f : forget.examples()) {
                d.add(decoupled.get(f.id()));
            }
            out.put(DECOUPLED, new Batch(d, padId));
        }
        return out;
    }

    /** A SplitMix-style seed for the template draws of one fetch. */
    static long mix(long seed, int epoch, int index) {
        long x = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL + 0x7EA;
        x ^= x >>> 31;
        x *= 0xD6E8FEB86659FD93L;
        return x ^ (x >>> 32);
    }
}
