package dev.unlearn.cli.requests;

import dev.unlearn.cli.recipe.MethodTrain;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.train.TrainingLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The unlearning step of a deletion request: edits {@code model} in place so that it forgets
 * {@code forget} while keeping {@code retain}. Returns the run's summary (method, resolved config,
 * steps, ...), which goes into the result and the audit log; it must hold no record text.
 * {@code scratch} is a folder of the request's own (absent or empty; the workflow removes it afterwards)
 * for intermediate files such as a reference cache (at most {@code train.reference_cache_mb}), or null for
 * none. {@code monitor} hears the training loop's steps and may stop it early
 * ({@link TrainingLoop.Listener#stopAfter}; the policy's {@code verify_every}): an unlearner that trains must
 * attach it to its loop.
 */
@FunctionalInterface
public interface Unlearner {
    Map<String, Object> unlearn(CausalLm model, Path modelDir, List<QaRecord> forget, List<QaRecord> retain,
            QaTokenization tokenization, String method, Map<String, Object> config, MethodTrain train, long seed,
            Path scratch, TrainingLoop.Listener monitor);
}
