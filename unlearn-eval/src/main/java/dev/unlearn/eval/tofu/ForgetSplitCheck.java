package dev.unlearn.eval.tofu;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that two forget logs were built on the same forget split and the same rows before Forget
 * Quality compares them.
 *
 * <p>Rules (spec §2.1, §2.6): equal sample counts are necessary; unequal counts signal mismatched
 * splits (e.g. forget05 vs forget10) and are a warning, or an error when {@code strict}. With equal
 * counts the key sets must be equal, and where both logs carry {@code generated_text} the inputs
 * (questions) of every key must be equal; a mismatch there is always an error, because the rows
 * differ. Our choice: compare the whole input string (prompt template included), since a model and
 * its retain model share the template.
 */
public final class ForgetSplitCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ForgetSplitCheck.class);

    private ForgetSplitCheck() {}

    /**
     * Validates the pair.
     *
     * @param model forget log of the model under test
     * @param retain forget log of the retain model
     * @param strict fail instead of warning on unequal sizes
     * @return warnings raised (empty when the logs match)
     */
    public static List<String> check(TofuTaskLog model, TofuTaskLog retain, boolean strict) {
        List<String> warnings = new ArrayList<>();
        if (model.size() != retain.size()) {
            String msg = "forget logs differ in size: " + model.source() + " has " + model.size() + " samples, "
                    + retain.source() + " has " + retain.size() + "; Forget Quality needs both on the same forget split "
                    + "(forget01 = 40, forget05 = 200, forget10 = first 300 in the TOFU logs)";
            if (strict) {
                throw new InvalidInputException(msg);
            }
            LOG.warn("{}", msg);
            warnings.add(msg);
            return warnings;
        }
        Set<String> a = new HashSet<>(model.keys());
        Set<String> b = new HashSet<>(retain.keys());
        if (!a.equals(b)) {
            throw new InvalidInputException("forget logs " + model.source() + " and " + retain.source()
                    + " have the same size but different sample keys; they do not cover the same rows");
        }
        for (String k : model.keys()) {
            Optional<String> qa = model.input(k);
            Optional<String> qb = retain.input(k);
            if (qa.isPresent() && qb.isPresent() && !qa.get().equals(qb.get())) {
                throw new InvalidInputException("forget logs " + model.source() + " and " + retain.source()
                        + " disagree on the question of sample " + k + "; they were built on different forget splits");
            }
        }
        return warnings;
    }
}
