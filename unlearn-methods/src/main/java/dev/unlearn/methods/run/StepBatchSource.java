package dev.unlearn.methods.run;

import dev.unlearn.core.data.Batch;
import dev.unlearn.core.data.Batches;
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
        this.base = retain.isEmpty() ? forgetOnly(forget, batchSize, padId, seed)
                : BatchSource.paired(new ForgetRetainPairing(forget, retain, batchSize, padId, seed));
        this.padId = padId;
        this.seed = seed;
        this.questions = questions;
        this.templates = templates == null ? List.of() : templates;
        this.tokenization = tokenization;
        this.decoupled = decoupled;
    }

    private static BatchSource forgetOnly(List<TokenizedExample> forget, int batchSize, long padId, long seed) {
        return new BatchSource() {
            private int cachedEpoch = -1;
            private List<Batch> cached;

            @Override
            public int batchesPerEpoch() {
                return Batches.count(forget.size(), batchSize);
            }

            @Override
            public synchronized Map<String, Batch> batches(int epoch, int index) {
                if (epoch != cachedEpoch) {
                    cached = Batches.shuffled(forget, batchSize, padId, seed, epoch);
                    cachedEpoch = epoch;
                }
                return Map.of(FORGET, cached.get(index));
            }
        };
    }

    @Override
    public int batchesPerEpoch() {
        return base.batchesPerEpoch();
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
