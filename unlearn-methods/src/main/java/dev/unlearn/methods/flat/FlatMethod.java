package dev.unlearn.methods.flat;

import ai.djl.ndarray.NDArray;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.score.TokenLogProbs;
import dev.unlearn.methods.loss.SequenceLosses;
import dev.unlearn.methods.spi.DataChecks;
import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.LossPlan;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.MethodPlan;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.StepLoss;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code flat}: see {@link ForgetTemplateLoss}. Its plan declares {@link LossPlan.AlternateAnswers}: a
 * template batch per step (the same questions with template answers).
 */
public final class FlatMethod implements UnlearningMethod<FlatConfig> {
    @Override
    public String name() {
        return "flat";
    }

    @Override
    public String description() {
        return "FLAT: f-divergence loss raising template-answer and lowering forget-answer probability (forget data only).";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<FlatConfig> configClass() {
        return FlatConfig.class;
    }

    @Override
    public FlatConfig defaults() {
        return FlatConfig.defaults();
    }

    @Override
    public void check(FlatConfig config, MethodContext<?> context, ModelInfo model) {
        DataChecks.checkCommon(name(), config, context);
        DataChecks.requireAnswers(name(), answers(config, context));
    }

    @Override
    public MethodPlan plan(FlatConfig config, MethodContext<?> context, ModelInfo model) {
        return LossPlan.of(lossMethod(config, context, model), new LossPlan.AlternateAnswers(answers(config, context)));
    }

    /**
     * The template answers: those of the context when given, else the TOFU file (digest checked, its
     * location from {@link MethodContext#answersFile()}) or the file named by {@code templates}.
     */
    static List<String> answers(FlatConfig c, MethodContext<?> context) {
        if (!context.templates().isEmpty()) {
            return context.templates();
        }
        if (c.templates().equals(FlatConfig.TOFU_TEMPLATES)) {
            Path file = context.answersFile();
            if (file == null) {
                throw new InvalidInputException("Config key 'templates' is '" + FlatConfig.TOFU_TEMPLATES + "', but the"
                        + " location of TOFU's idontknow.jsonl was not given (CLI: --templates FILE), or set"
                        + " 'templates' to a file of one template answer per line.");
            }
            TemplateFile.Templates t = TemplateFile.read(file);
            if (!t.sha256().equals(TemplateFile.TOFU_IDONTKNOW_SHA256)) {
                throw new InvalidInputException(file + " is not TOFU's idontknow.jsonl (SHA-256 " + t.sha256()
                        + ", expected " + TemplateFile.TOFU_IDONTKNOW_SHA256 + "); to use another list set"
                        + " 'templates' to its path.");
            }
            return t.templates();
        }
        return TemplateFile.read(Path.of(c.templates())).templates();
    }

    @Override
    public LossMethod lossMethod(FlatConfig c, MethodContext<?> context, ModelInfo model) {
        return (policy, reference, b, m) -> {
            if (b.templates() == null) {
                throw new IllegalStateException("FLAT needs a template batch (forget questions with template answers)");
            }
            TokenLogProbs.Result f = SequenceLosses.tokenLogProbs(policy.logits(b.forget(), m), b.forget().labels(m));
            TokenLogProbs.Result e = SequenceLosses.tokenLogProbs(policy.logits(b.templates(), m),
                    b.templates().labels(m));
            NDArray loss = ForgetTemplateLoss.loss(f, e, c.divergence(), c.probability(), c.padLength(),
                    c.referenceQuirks());
            return new StepLoss(loss, Map.of("forget", SequenceLosses.pooledNll(f), "template", SequenceLosses.pooledNll(e)));
        };
    }
}
