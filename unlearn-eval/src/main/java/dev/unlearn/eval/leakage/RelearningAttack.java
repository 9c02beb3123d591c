package dev.unlearn.eval.leakage;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.Batches;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.train.FineTune;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainingConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Targeted relearning: a seeded {@code k = max(1, round(fraction · n))} of the forget items is held
 * out and fine-tuned on (a copy of the model, AdamW, constant rate, no weight decay, {@code steps}
 * steps); the answer probability of the <em>other</em> items is measured before and after. Score =
 * after; details {@code before}, {@code gain} (after − before), {@code k}.
 */
public final class RelearningAttack implements LeakageAttack {
    @Override
    public String name() {
        return "relearn";
    }

    @Override
    public String description() {
        return "answer probability on the other forget items after fine-tuning on a held-out slice";
    }

    /** The indices of the held-out (trained-on) items: seeded, the same for every model. */
    public static List<Integer> heldOut(int n, double fraction, long seed) {
        if (n < 2) {
            throw new InvalidInputException("relearning needs at least 2 forget items, found " + n);
        }
        int k = Math.min(n - 1, Math.max(1, (int) Math.round(fraction * n)));
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        Batches.shuffle(idx, new Random(seed ^ 0x5E1EA4L));
        List<Integer> out = new ArrayList<>(idx.subList(0, k));
        Collections.sort(out);
        return out;
    }

    @Override
    public Score run(CausalLm model, AnswerScoring s) {
        LeakageConfig c = s.config();
        List<Integer> held = heldOut(s.items().size(), c.relearnFraction(), c.seed());
        List<LeakageItem> train = new ArrayList<>();
        List<LeakageItem> rest = new ArrayList<>();
        for (int i = 0; i < s.items().size(); i++) {
            (held.contains(i) ? train : rest).add(s.items().get(i));
        }
        List<TokenizedExample> ex = new ArrayList<>();
        for (LeakageItem it : train) {
            TokenizedExample e = s.example(it.id(), s.direct(it), it.answer());
            if (e != null) {
                ex.add(e);
            }
        }
        double before = AnswerScoring.mean(s.probabilities(model, rest, s::direct));
        try (CausalLm copy = model.copy(model.manager())) {
            TrainingConfig tc = TrainingConfig.builder().setLearningRate(c.relearnLr()).optMaxSteps(c.relearnSteps())
                    .optEpochs(1000).optWeightDecay(0.0).optSchedule(Schedule.CONSTANT).optSeed(c.seed()).build();
            FineTune.run(copy, ex, c.relearnBatch(), s.tokenizer().padId(), tc);
            double after = AnswerScoring.mean(s.probabilities(copy, rest, s::direct));
            return new Score(after, Map.of("before", before, "gain", after - before, "k", (double) train.size()));
        }
    }
}
