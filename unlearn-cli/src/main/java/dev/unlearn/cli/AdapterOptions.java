package dev.unlearn.cli;

import ai.djl.ndarray.types.DataType;
import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.PeftAdapter;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * LoRA adapter options of {@code forget} (a picocli mixin): {@link LoraOptions} (train PEFT-style LoRA
 * adapters on a frozen base instead of every weight) plus {@code --export}, the result merged or as a
 * PEFT adapter directory.
 *
 * <p>Order of use in a command: {@link #check} with the options (before any work), {@link #attach} after
 * the model is loaded, {@link #save} in place of {@code Checkpoint.save}. With {@code --lora-rank 0} (the
 * default) and no {@code --lora-from} nothing changes.
 */
public class AdapterOptions {
    /** --lora-rank, --lora-alpha, --lora-dropout, --lora-targets, --lora-from. */
    @picocli.CommandLine.Mixin
    public LoraOptions lora;

    @Option(names = "--export", paramLabel = "merged|peft", defaultValue = "merged",
            description = "With adapters: merged (a Hugging Face checkpoint with W + alpha/r * B A) or peft (an adapter"
                    + " directory Hugging Face peft loads: adapter_config.json + adapter_model.safetensors, PEFT 0.20.0"
                    + " layout). Default: ${DEFAULT-VALUE}.")
    public String export;

    /** Whether the run trains adapters. */
    public boolean enabled() {
        return lora.enabled();
    }

    /** Whether the export is a PEFT adapter directory. */
    public boolean peftExport() {
        return exportMode().equals("peft");
    }

    private String exportMode() {
        String e = export == null ? "merged" : export.trim().toLowerCase(Locale.ROOT);
        if (!e.equals("merged") && !e.equals("peft")) {
            throw new InvalidInputException("--export must be merged or peft, found '" + export + "'");
        }
        return e;
    }

    /**
     * Checks the options before any work ({@link LoraOptions#check}), and that {@code --export peft} comes
     * with adapters.
     */
    public void check(String method, Path out) {
        exportMode();
        if (!lora.enabled() && peftExport()) {
            List<String> stray = new ArrayList<>(lora.stray());
            stray.add("--export peft");
            throw new InvalidInputException(stray + " apply to LoRA adapters only; give --lora-rank N (N > 0) or"
                    + " --lora-from DIR, or leave them out");
        }
        lora.check(method, out);
    }

    /** The adapters of the options, attached to the loaded model ({@link LoraOptions#attach}); null when off. */
    public LoraAdapters attach(CausalLm lm, long seed) {
        return lora.attach(lm, seed);
    }

    /**
     * Saves the run's result to {@code out}: without adapters the checkpoint as before; with them merged
     * into the base ({@code --export merged}, a Hugging Face checkpoint) or as a PEFT adapter directory
     * whose {@code base_model_name_or_path} is {@code modelDir} ({@code --export peft}), marked as an output
     * of the toolkit so {@code --overwrite} may replace it.
     */
    public void save(CausalLm lm, Path out, Path modelDir, DataType store) {
        if (lm.adapters() == null || !peftExport()) {
            lm.mergeAdapters();
            Checkpoint.save(lm, out, modelDir, store);
            return;
        }
        PeftAdapter.save(lm, out, modelDir.toString(), modelDir, store);
        try {
            OutputDirs.mark(out, OutputDirs.Kind.CHECKPOINT);
        } catch (IOException ex) {
            throw new InvalidInputException("cannot mark " + out + ": " + ex.getMessage(), ex);
        }
    }
}
