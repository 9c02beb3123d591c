package dev.unlearn.methods.spi;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A loss-based plan: the per-step {@link LossMethod} plus what the runner must provide for it.
 * Retain data are declared by the config ({@link MethodConfig#needsRetain()}) and paired with the
 * forget batches whenever a retain set is given.
 *
 * @param loss the per-step loss
 * @param hooks what the runner provides, at most one of each type
 */
public record LossPlan(LossMethod loss, List<Hook> hooks) implements MethodPlan {
    public LossPlan {
        Objects.requireNonNull(loss, "loss");
        hooks = List.copyOf(hooks);
        for (int i = 0; i < hooks.size(); i++) {
            for (int j = i + 1; j < hooks.size(); j++) {
                if (hooks.get(i).getClass() == hooks.get(j).getClass()) {
                    throw new IllegalArgumentException("two " + hooks.get(i).getClass().getSimpleName() + " hooks");
                }
            }
        }
    }

    /** A plan with the given hooks. */
    public static LossPlan of(LossMethod loss, Hook... hooks) {
        return new LossPlan(loss, List.of(hooks));
    }

    /**
     * The default plan of a loss method: the reference model kept resident when the config needs it
     * ({@link MethodConfig#needsReference()}), no other hook. Methods with other needs override
     * {@link UnlearningMethod#plan}.
     */
    public static LossPlan of(LossMethod loss, MethodConfig config) {
        return of(loss, config, null);
    }

    /**
     * {@link #of(LossMethod, MethodConfig)} plus {@link CacheableReference} with the config's
     * {@link MethodConfig#referenceUses(ModelInfo) reference uses} when it names them (so the runner may
     * serve π_ref from a cache); {@code model} may be null, when the uses depend on no model size.
     */
    public static LossPlan of(LossMethod loss, MethodConfig config, ModelInfo model) {
        if (!config.needsReference()) {
            return of(loss);
        }
        List<ReferenceUse> uses = config.referenceUses(model);
        return uses.isEmpty() ? of(loss, new ResidentReference())
                : of(loss, new ResidentReference(), new CacheableReference(uses));
    }

    /**
     * The plan a loss method's config implies: {@link #of(LossMethod, MethodConfig)} plus
     * {@link AlternateAnswers} read by {@link TemplateFile#answers} when the config
     * {@link MethodConfig#needsTemplates() needs templates}. The default of {@link UnlearningMethod#plan}.
     */
    public static LossPlan of(String method, LossMethod loss, MethodConfig config, MethodContext<?> context) {
        return of(method, loss, config, context, null);
    }

    /** {@link #of(String, LossMethod, MethodConfig, MethodContext)} with the model sizes the reference uses may need. */
    public static LossPlan of(String method, LossMethod loss, MethodConfig config, MethodContext<?> context,
            ModelInfo model) {
        LossPlan p = of(loss, config, model);
        if (!config.needsTemplates()) {
            return p;
        }
        List<Hook> hooks = new java.util.ArrayList<>(p.hooks());
        hooks.add(new AlternateAnswers(TemplateFile.answers(method, config.templates(), context)));
        return new LossPlan(loss, hooks);
    }

    /** The hook of a type, if declared. */
    public <H extends Hook> Optional<H> hook(Class<H> type) {
        return hooks.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Whether a hook of the type is declared. */
    public boolean has(Class<? extends Hook> type) {
        return hook(type).isPresent();
    }

    /**
     * A decorator (PD): the wrapped loss, the hooks of this plan, plus {@code more} (a hook of a type
     * already present replaces it).
     */
    public LossPlan decorate(UnaryOperator<LossMethod> wrap, Hook... more) {
        List<Hook> h = new ArrayList<>(hooks);
        for (Hook m : more) {
            h.removeIf(x -> x.getClass() == m.getClass());
            h.add(m);
        }
        return new LossPlan(wrap.apply(loss), h);
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    /** A need of a loss plan, provided by the runner. */
    public sealed interface Hook permits ResidentReference, ReferencePass, CacheableReference, AlternateAnswers,
            DecoupledPrompts {}

    /**
     * π_ref stays loaded for every step and is passed to {@link LossMethod#loss} as {@code reference}
     * (KL retain terms, RMU). Without this hook {@code reference} is null during training.
     */
    public record ResidentReference() implements Hook {}

    /**
     * One pass of π_ref over the forget batches (dataset order, the run's batch size) before the first
     * update, e.g. to fill a cache of reference values (NPO's {@code NLL_sum}). The runner releases π_ref
     * after it unless {@link ResidentReference} is also declared.
     *
     * @param pass what to do with each forget batch
     */
    public record ReferencePass(Pass pass) implements Hook {
        public ReferencePass {
            Objects.requireNonNull(pass, "pass");
        }
    }

    /**
     * Every output of π_ref that this plan asks for, in its {@link ReferencePass} and in its steps, is one
     * of {@code uses}: in full mode (no adapters) the runner may then compute them once per example, before
     * the first update and from the model itself, store them on disk and hand the pass and the steps a
     * reference forward that reads them back ({@code reference.source: cached_reference} in the summary),
     * so that no second model is made. Asking that forward for an output not declared here fails the step.
     * Without this hook a {@link ResidentReference} is a resident model.
     *
     * @param uses the outputs asked for, never empty
     */
    public record CacheableReference(List<ReferenceUse> uses) implements Hook {
        public CacheableReference {
            uses = List.copyOf(new java.util.LinkedHashSet<>(uses));
            if (uses.isEmpty()) {
                throw new IllegalArgumentException("a cacheable reference declares at least one use");
            }
        }
    }

    /** The body of a {@link ReferencePass}. */
    @FunctionalInterface
    public interface Pass {
        /**
         * @param reference π_ref forward (no gradient)
         * @param forgetBatches the forget set in dataset order
         * @param parent the model's manager; create a child per batch
         */
        void run(ForwardFn reference, Iterable<Batch> forgetBatches, NDManager parent);
    }

    /**
     * Alternate answers to the forget questions (FLAT's template answers, "I don't know" answers): each
     * step gets {@link StepBatches#templates()}, the same forget questions in the same order, each with
     * an answer drawn uniformly from {@code answers} on every fetch (seeded by run seed, epoch and index),
     * tokenised like a forget sample. Needs question/answer records (not raw text).
     *
     * @param answers the answers to draw from, never empty
     */
    public record AlternateAnswers(List<String> answers) implements Hook {
        public AlternateAnswers {
            answers = List.copyOf(answers);
        }
    }

    /**
     * Decoupled prompts (PD, methods.md §8.3): each step gets {@link StepBatches#decoupled()}, for each
     * forget sample the same question wording about a retain entity with a normal answer (π_ref
     * generates the answer when no retain question has that wording). Needs question/answer records and
     * a retain set.
     */
    public record DecoupledPrompts() implements Hook {}
}
