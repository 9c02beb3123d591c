package dev.unlearn.methods.run;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.generate.GenerationConfig;
import dev.unlearn.core.generate.Generator;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The PD set of methods.md §8.3, source 2 (entity substitution) [OURS]: for each forget sample, the
 * same question wording about a retain entity instead of the forget entity, with a normal answer.
 *
 * <ol>
 *   <li>The wording of a question is its text with its entity's name replaced by a placeholder. If
 *       retain records with the same wording exist, one is drawn (seeded) and used as is: question about
 *       a retain entity, the retain answer.</li>
 *   <li>Otherwise a retain entity is drawn, substituted into the forget question, and π_ref's greedy
 *       answer to it (up to {@value #MAX_ANSWER_TOKENS} tokens) is the target.</li>
 *   <li>A forget question that does not name its entity (or a record without entity) cannot be
 *       decoupled by substitution: a retain record drawn at random stands in, counted as a fallback.
 *       Substituting nothing would train the forget question itself, and π_ref's answer would be the
 *       forgotten fact.</li>
 * </ol>
 */
final class DecoupledSet {
    static final int MAX_ANSWER_TOKENS = 48;
    private static final String SLOT = "\u0000ENTITY\u0000";

    /** Decoupled examples by forget example id, and how many are fallbacks (rule 3). */
    record Built(Map<String, TokenizedExample> byForgetId, int fallbacks, int generated) {}

    private DecoupledSet() {}

    static Built build(List<QaRecord> forget, Map<String, TokenizedExample> forgetExamples, List<QaRecord> retain,
            QaTokenization tokenization, TextTokenizer tokenizer, Supplier<CausalLm> reference, long seed) {
        if (retain.isEmpty()) {
            throw new InvalidInputException("pd builds its decoupled samples from the retain set (methods.md §8.3),"
                    + " but no retain set was given.");
        }
        Map<String, List<QaRecord>> byWording = new LinkedHashMap<>();
        TreeSet<String> entities = new TreeSet<>();
        for (QaRecord r : retain) {
            if (r.entity() != null && !r.entity().isBlank() && r.question().contains(r.entity())) {
                byWording.computeIfAbsent(r.question().replace(r.entity(), SLOT), k -> new ArrayList<>()).add(r);
                entities.add(r.entity());
            }
        }
        List<String> entityList = new ArrayList<>(entities);
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x9D0C_0E7A_11L);
        Map<String, TokenizedExample> out = new LinkedHashMap<>();
        int fallbacks = 0;
        int generated = 0;
        for (QaRecord f : forget) {
            if (!forgetExamples.containsKey(f.id())) {
                continue;
            }
            String id = f.id() + "#pd";
            String e = f.entity();
            if (e == null || e.isBlank() || !f.question().contains(e) || entityList.isEmpty()) {
                QaRecord r = retain.get(rnd.nextInt(retain.size()));
                out.put(f.id(), tokenization.tokenize(id, r.question(), r.answer()));
                fallbacks++;
                continue;
            }
            List<QaRecord> same = byWording.get(f.question().replace(e, SLOT));
            if (same != null) {
                QaRecord r = same.get(rnd.nextInt(same.size()));
                out.put(f.id(), tokenization.tokenize(id, r.question(), r.answer()));
                continue;
            }
            String q = f.question().replace(e, entityList.get(rnd.nextInt(entityList.size())));
            if (reference == null) {
                throw new InvalidInputException("pd: forget record " + f.id() + " has no retain question of the same"
                        + " wording, and its decoupled answer would come from the reference model, which was not given.");
            }
            long[] prompt = tokenization.encodePrompt(q);
            long[] answerIds = Generator.generate(reference.get(), prompt, GenerationConfig.greedy(MAX_ANSWER_TOKENS),
                    List.of());
            String answer = tokenizer.decode(answerIds, true).strip();
            out.put(f.id(), tokenization.tokenize(id, q, answer.isEmpty() ? "." : answer));
            generated++;
        }
        return new Built(out, fallbacks, generated);
    }
}
