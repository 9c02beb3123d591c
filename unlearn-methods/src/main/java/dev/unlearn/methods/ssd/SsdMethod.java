package dev.unlearn.methods.ssd;

import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.UnlearningMethod;

/**
 * {@code ssd}: a one-shot direct edit. Run {@link FisherImportance#compute} over D_f and over
 * D = D_r then D_f (same batch size, no shuffling), then {@link SelectiveDampening#apply}.
 */
public final class SsdMethod implements UnlearningMethod<SsdConfig> {
    @Override
    public String name() {
        return "ssd";
    }

    @Override
    public String description() {
        return "Selective synaptic dampening: shrink weights far more important for the forget set than for all data.";
    }

    @Override
    public MethodKind kind() {
        return MethodKind.DIRECT_EDIT;
    }

    @Override
    public Class<SsdConfig> configClass() {
        return SsdConfig.class;
    }

    @Override
    public SsdConfig defaults() {
        return SsdConfig.defaults();
    }
}
