package dev.unlearn.methods.pd;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.LossPlan;
import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.MethodPlan;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.util.Map;

/** {@code pd}: wraps a loss-based base method with the prompt-decouple term ({@link PromptDecouple}). */
public final class PdMethod implements UnlearningMethod<PdConfig> {
    @Override
    public String name() {
        return "pd";
    }

    @Override
    public String description() {
        return "Prompt-decouple decorator: base method loss plus the NLL of the same questions in a safe context.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<PdConfig> configClass() {
        return PdConfig.class;
    }

    @Override
    public PdConfig defaults() {
        return PdConfig.defaults();
    }

    /** Binds and also checks that the base exists, is loss-based and accepts {@code base_config}. */
    @Override
    public PdConfig bind(Map<String, ?> values) {
        PdConfig c = UnlearningMethod.super.bind(values);
        baseConfig(baseMethod(c), c.baseConfig());
        return c;
    }

    @Override
    public void check(PdConfig config, MethodContext<?> context, ModelInfo model) {
        checkBase(baseMethod(config), config.baseConfig(), context, model);
    }

    @Override
    public LossMethod lossMethod(PdConfig config, MethodContext<?> context, ModelInfo model) {
        return new PromptDecouple(baseLoss(baseMethod(config), config.baseConfig(), context, model),
                config.effectiveWeight());
    }

    /** The base method's plan, decorated: its loss plus the PD term, its hooks plus decoupled prompts. */
    @Override
    public MethodPlan plan(PdConfig config, MethodContext<?> context, ModelInfo model) {
        UnlearningMethod<?> base = baseMethod(config);
        MethodPlan p = base.planFor(baseConfig(base, config.baseConfig()), context, model);
        if (!(p instanceof LossPlan lp)) {
            throw new InvalidInputException("Config key 'base': pd wraps loss-based methods only; '" + config.base()
                    + "' is " + p.kind() + ".");
        }
        double w = config.effectiveWeight();
        return lp.decorate(loss -> new PromptDecouple(loss, w), new LossPlan.DecoupledPrompts());
    }

    private static UnlearningMethod<?> baseMethod(PdConfig c) {
        UnlearningMethod<?> m;
        try {
            m = Methods.byName(c.base());
        } catch (InvalidInputException ex) {
            throw new InvalidInputException("Config key 'base': " + ex.getMessage());
        }
        if (m.kind() != MethodKind.LOSS_BASED || m.name().equals("pd")) {
            throw new InvalidInputException("Config key 'base': pd wraps loss-based methods only; '" + c.base()
                    + "' is " + m.kind() + ".");
        }
        return m;
    }

    private static <C extends MethodConfig> C baseConfig(UnlearningMethod<C> m, Map<String, Object> values) {
        try {
            return m.bind(values);
        } catch (InvalidInputException ex) {
            throw new InvalidInputException("In 'base_config' of pd(" + m.name() + "): " + ex.getMessage(), ex);
        }
    }

    private static <C extends MethodConfig> void checkBase(UnlearningMethod<C> m, Map<String, Object> values,
            MethodContext<?> ctx, ModelInfo model) {
        m.check(baseConfig(m, values), ctx, model);
    }

    private static <C extends MethodConfig> LossMethod baseLoss(UnlearningMethod<C> m, Map<String, Object> values,
            MethodContext<?> ctx, ModelInfo model) {
        return m.lossMethod(baseConfig(m, values), ctx, model);
    }
}
