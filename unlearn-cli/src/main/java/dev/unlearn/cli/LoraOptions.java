package dev.unlearn.cli;

import dev.unlearn.cli.commands.OutputDirs;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.PeftAdapter;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.LoraAdapters;
import dev.unlearn.core.model.LoraConfig;
import dev.unlearn.methods.spi.MethodKind;
import dev.unlearn.methods.spi.Methods;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The LoRA training options of a command that unlearns (a picocli mixin): train PEFT-style LoRA adapters
 * on a frozen base instead of every weight ({@code forget} through {@link AdapterOptions}, which adds the
 * export; {@code worst-case}, whose lower level then moves only the adapters).
 *
 * <p>Order of use: {@link #check} before any work, {@link #attach} after the model is loaded. With
 * {@code --lora-rank 0} (the default) and no {@code --lora-from} nothing changes.
 */
public class LoraOptions {
    @Option(names = "--lora-rank", paramLabel = "N", defaultValue = "0",
            description = "Train LoRA adapters of rank N on a frozen base (only their A and B get gradients and optimizer"
                    + " state; NPO/SimNPO/KL/RMU references come from the base without adapters, no copy). 0 = off,"
                    + " all weights train. Default: ${DEFAULT-VALUE}.")
    public int rank;

    @Option(names = "--lora-alpha", paramLabel = "A",
            description = "LoRA alpha; the update is scaled by alpha / rank. Default: 2 x rank.")
    public Double alpha;

    @Option(names = "--lora-dropout", paramLabel = "P",
            description = "Dropout on the adapters' input during training, in [0, 1). Default: 0.")
    public Double dropout;

    @Option(names = "--lora-targets", paramLabel = "LIST",
            description = "Modules to adapt, PEFT names: all, or a comma list of q_proj, k_proj, v_proj, o_proj, gate_proj,"
                    + " up_proj, down_proj (Phi-3: qkv_proj, o_proj, gate_up_proj, down_proj). Default: PEFT's,"
                    + " q_proj,v_proj (Phi-3: qkv_proj).")
    public String targets;

    @Option(names = "--lora-from", paramLabel = "DIR",
            description = "Start from this PEFT LoRA adapter directory (adapter_config.json + adapter_model.safetensors)"
                    + " for the --model base; its r, alpha and targets apply.")
    public Path from;

    /** Whether the run trains adapters. */
    public boolean enabled() {
        return rank > 0 || from != null;
    }

    /**
     * Checks the options against each other and {@code method}, before any work: ranges, options that
     * would be ignored, an adapter folder that is not one, and a method that does not train (SSD edits
     * the weights directly; refused in adapter mode).
     *
     * @param out the command's output directory (refused when it is or lies in {@code --lora-from}), or null
     */
    public void check(String method, Path out) {
        if (rank < 0) {
            throw new InvalidInputException("--lora-rank must be >= 0 (0 = off), found " + rank);
        }
        if (!enabled()) {
            List<String> stray = stray();
            if (!stray.isEmpty()) {
                throw new InvalidInputException(stray + " apply to LoRA adapters only; give --lora-rank N (N > 0) or"
                        + " --lora-from DIR, or leave them out");
            }
            return;
        }
        if (from != null) {
            if (rank > 0 || alpha != null || targets != null) {
                throw new InvalidInputException("--lora-from takes r, alpha and targets from the adapter's"
                        + " adapter_config.json; leave out --lora-rank, --lora-alpha and --lora-targets");
            }
            if (!Files.isDirectory(from) || !PeftAdapter.isAdapterDir(from)) {
                throw new InvalidInputException("--lora-from " + from + " is not a PEFT adapter directory (no "
                        + PeftAdapter.CONFIG + ")");
            }
            PeftAdapter.readConfig(from);
            if (out != null) {
                OutputDirs.refuseOverlap(out, OutputDirs.inputs("--lora-from", from));
            }
        } else {
            config();
        }
        if (dropout != null && !(dropout >= 0 && dropout < 1)) {
            throw new InvalidInputException("--lora-dropout must be in [0, 1), found " + dropout);
        }
        MethodKind kind = Methods.byName(method).kind();
        if (kind != MethodKind.LOSS_BASED) {
            throw new InvalidInputException("method '" + method + "' " + (kind == MethodKind.DIRECT_EDIT
                    ? "edits the base weights directly, so there is nothing for LoRA adapters to train"
                    : "trains nothing") + "; leave out --lora-rank/--lora-from for it");
        }
    }

    /** The options given that only adapters use (reported when adapters are off). */
    List<String> stray() {
        List<String> stray = new ArrayList<>();
        if (alpha != null) {
            stray.add("--lora-alpha");
        }
        if (dropout != null) {
            stray.add("--lora-dropout");
        }
        if (targets != null) {
            stray.add("--lora-targets");
        }
        return stray;
    }

    /** The adapter settings of {@code --lora-rank/-alpha/-dropout/-targets}. */
    public LoraConfig config() {
        List<String> t = targets == null ? List.of()
                : Arrays.stream(targets.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (targets != null && t.isEmpty()) {
            throw new InvalidInputException("--lora-targets is empty; give all or module names such as q_proj,v_proj");
        }
        try {
            return new LoraConfig(rank, alpha == null ? 2.0 * rank : alpha, dropout == null ? 0 : dropout, t, false);
        } catch (InvalidInputException ex) {
            throw new InvalidInputException("--lora-rank/--lora-alpha/--lora-dropout: " + ex.getMessage(), ex);
        }
    }

    /**
     * Attaches the adapters to the loaded model (fresh ones drawn from {@code seed}, or those of
     * {@code --lora-from}); the base freezes. Returns null when adapters are off.
     *
     * @throws InvalidInputException for a target the model's family does not have (naming --lora-targets)
     */
    public LoraAdapters attach(CausalLm lm, long seed) {
        if (!enabled()) {
            return null;
        }
        if (from != null) {
            try {
                return PeftAdapter.load(lm, from, dropout);
            } catch (InvalidInputException ex) {
                throw new InvalidInputException("--lora-from " + from + ": " + ex.getMessage(), ex);
            }
        }
        try {
            return lm.attachAdapters(config(), seed);
        } catch (InvalidInputException ex) {
            throw new InvalidInputException("--lora-targets: " + ex.getMessage(), ex);
        }
    }
}
