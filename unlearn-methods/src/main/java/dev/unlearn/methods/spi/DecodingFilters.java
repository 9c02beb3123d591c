package dev.unlearn.methods.spi;

import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.TextTokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * A generation-time plan (GUARD): the weights stay; the method builds, from the model and the forget
 * and retain data, a filter file (prompt detector and logits processors) that generation applies. An
 * evaluation of such a "model" generates through the filter.
 */
@FunctionalInterface
public non-sealed interface DecodingFilters extends MethodPlan {
    /**
     * Builds the filter and writes it to {@code out} (temp-then-rename).
     *
     * @return what was built, for the run summary (counts, calibration values)
     */
    Report build(Input in, Path out);

    @Override
    default MethodKind kind() {
        return MethodKind.GENERATION_TIME;
    }

    /**
     * What a filter build sees.
     *
     * @param model the unchanged model
     * @param tokenizer its tokenizer
     * @param template the prompt template
     * @param forget forget records
     * @param retain retain records (detector negatives)
     * @param seed the run seed
     */
    record Input(CausalLm model, TextTokenizer tokenizer, PromptTemplate template, List<QaRecord> forget,
            List<QaRecord> retain, long seed) {}

    /**
     * @param entries named facts of the build (JSON-serialisable values)
     */
    record Report(java.util.Map<String, ?> entries) {}
}
