package dev.unlearn.methods.dpo;

import dev.unlearn.methods.spi.LossMethod;
import dev.unlearn.methods.spi.MethodContext;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.ModelInfo;
import dev.unlearn.methods.spi.UnlearningMethod;

/** What {@code dpo} and {@code idkdpo} share: the config type, the kind and {@link DpoLoss}; they differ in name and default answers. */
abstract class PreferenceMethod implements UnlearningMethod<DpoConfig> {
    private final String name;
    private final String description;
    private final String defaultTemplates;

    PreferenceMethod(String name, String description, String defaultTemplates) {
        this.name = name;
        this.description = description;
        this.defaultTemplates = defaultTemplates;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public MethodKind kind() {
        return MethodKind.LOSS_BASED;
    }

    @Override
    public Class<DpoConfig> configClass() {
        return DpoConfig.class;
    }

    @Override
    public DpoConfig defaults() {
        return DpoConfig.defaults(defaultTemplates);
    }

    @Override
    public LossMethod lossMethod(DpoConfig config, MethodContext<?> context, ModelInfo model) {
        return new DpoLoss(config);
    }
}
