package dev.unlearn.eval.muse;

import dev.unlearn.eval.spi.InputKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Input keys of the MUSE metrics, and their plain-data value types. */
public final class MuseInputs {
    /** Continuations by sample key. */
    public record Continuations(Map<String, VerbMem.Continuation> items) {
        public Continuations {
            items = Collections.unmodifiableMap(new LinkedHashMap<>(items));
        }
    }

    /** Reference QA rows and the model's raw generated answers, by sample key. */
    public record Answers(Map<String, KnowMem.QA> reference, Map<String, String> generated) {
        public Answers {
            reference = Collections.unmodifiableMap(new LinkedHashMap<>(reference));
            generated = Collections.unmodifiableMap(new LinkedHashMap<>(generated));
        }
    }

    /** Per-text token log-probs (every token after BOS, MUSE original; §1.4 positions for OU), by sample key. */
    public record TokenLogProbs(Map<String, double[]> logProbs) {
        public TokenLogProbs {
            logProbs = Collections.unmodifiableMap(new LinkedHashMap<>(logProbs));
        }
    }

    /** VerbMem continuations on the forget set. */
    public static final InputKey<Continuations> VERBMEM = InputKey.of("muse_verbmem", Continuations.class);
    /** KnowMem on {@code forget_qa}. */
    public static final InputKey<Answers> KNOWMEM_FORGET = InputKey.of("muse_knowmem_forget", Answers.class);
    /** KnowMem on {@code retain_qa} ({@code retain2_qa} for Books). */
    public static final InputKey<Answers> KNOWMEM_RETAIN = InputKey.of("muse_knowmem_retain", Answers.class);
    /** Unlearned model, {@code privleak/forget}. */
    public static final InputKey<TokenLogProbs> PRIVLEAK_FORGET = InputKey.of("muse_privleak_forget", TokenLogProbs.class);
    /** Unlearned model, {@code privleak/holdout}. */
    public static final InputKey<TokenLogProbs> PRIVLEAK_HOLDOUT = InputKey.of("muse_privleak_holdout", TokenLogProbs.class);
    /** Retrained model, {@code privleak/forget} (optional). */
    public static final InputKey<TokenLogProbs> PRIVLEAK_RETRAINED_FORGET = InputKey.of("muse_privleak_retrained_forget", TokenLogProbs.class);
    /** Retrained model, {@code privleak/holdout} (optional). */
    public static final InputKey<TokenLogProbs> PRIVLEAK_RETRAINED_HOLDOUT = InputKey.of("muse_privleak_retrained_holdout", TokenLogProbs.class);
    /** Corpus {@code news} or {@code books}, to pick the published retrained AUC. */
    public static final InputKey<String> CORPUS = InputKey.of("muse_corpus", String.class);
    /** {@code true} selects open-unlearning semantics ({@code --ou-compat}); default MUSE original. */
    public static final InputKey<Boolean> OU_COMPAT = InputKey.of("ou_compat", Boolean.class);

    private MuseInputs() {}
}
