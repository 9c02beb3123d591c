package dev.unlearn.methods.spi;

import ai.djl.Device;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything a method may read besides its config: the model being unlearned, a lazy supplier of the
 * frozen reference model π_ref (so methods that do not need it never load it), the forget and retain
 * items, the device and the run seed. The model type is a parameter so this module compiles before
 * core's {@code CausalLm} lands; production code uses {@code MethodContext<CausalLm>}.
 *
 * @param <M> model type
 * @param model the model π_θ, updated in place
 * @param reference supplies the frozen π_ref (same dtype as π_θ, no gradient); may be null when none is available
 * @param forget forget set D_f, never empty for a run
 * @param retain retain set D_r, empty when none was given
 * @param templates template answers (FLAT), empty when none were given
 * @param device where computation runs
 * @param seed the run seed; methods derive their own streams from it
 * @param answersFile where a named answer list lies (FLAT's {@code tofu-idontknow}: TOFU's
 *     {@code idontknow.jsonl}, CLI {@code --templates}); null when not given
 */
public record MethodContext<M>(
        M model,
        Supplier<M> reference,
        List<MethodSample> forget,
        List<MethodSample> retain,
        List<String> templates,
        Device device,
        long seed,
        java.nio.file.Path answersFile) {
    public MethodContext {
        Objects.requireNonNull(model, "model");
        forget = List.copyOf(forget == null ? List.of() : forget);
        retain = List.copyOf(retain == null ? List.of() : retain);
        templates = List.copyOf(templates == null ? List.of() : templates);
        device = device == null ? Device.cpu() : device;
    }

    /** A context without an answers file. */
    public MethodContext(M model, Supplier<M> reference, List<MethodSample> forget, List<MethodSample> retain,
            List<String> templates, Device device, long seed) {
        this(model, reference, forget, retain, templates, device, seed, null);
    }

    /** True when a reference-model supplier was given. */
    public boolean hasReference() {
        return reference != null;
    }
}
