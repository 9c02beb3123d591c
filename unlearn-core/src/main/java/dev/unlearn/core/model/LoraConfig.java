package dev.unlearn.core.model;

import dev.unlearn.core.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings of LoRA adapters (Hu et al., arXiv 2106.09685) as Hugging Face {@code peft} names them
 * ({@code LoraConfig}, PEFT 0.20.0): rank {@code r}, {@code lora_alpha}, {@code lora_dropout} and the
 * target modules by their short names. An adapted linear layer computes
 * {@code y = W x + s · B (A (dropout(x)))} with {@code s = alpha / r} ({@code alpha / sqrt(r)} with
 * {@code use_rslora}).
 *
 * <p>Targets are the per-layer linear modules of the model's family: {@code q_proj}, {@code k_proj},
 * {@code v_proj}, {@code o_proj}, {@code gate_proj}, {@code up_proj}, {@code down_proj}, and Phi-3's fused
 * {@code qkv_proj} and {@code gate_up_proj}; {@code all} (or PEFT's {@code all-linear}) takes every one of
 * them (never the LM head or the embeddings, as PEFT). An empty list means PEFT's default for the family:
 * {@code q_proj, v_proj}, or {@code qkv_proj} where q and v are fused (PEFT has no default for Phi-3).
 *
 * @param rank r, at least 1
 * @param alpha lora_alpha, positive
 * @param dropout lora_dropout, in [0, 1)
 * @param targets module names, {@code all}, or empty for the family default
 * @param rslora PEFT's use_rslora: scale alpha / sqrt(r)
 */
public record LoraConfig(int rank, double alpha, double dropout, List<String> targets, boolean rslora) {
    private static final Pattern MODULE = Pattern.compile("^model\\.layers\\.\\d+\\.(?:self_attn|mlp)\\.([a-z_]+_proj)\\.weight$");

    public LoraConfig {
        if (rank < 1) {
            throw new InvalidInputException("LoRA rank must be at least 1, found " + rank + " (0 turns adapters off)");
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new InvalidInputException("LoRA alpha must be a positive number, found " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InvalidInputException("LoRA dropout must be in [0, 1), found " + dropout);
        }
        targets = targets == null ? List.of() : List.copyOf(targets);
        for (String t : targets) {
            if (t == null || t.isBlank()) {
                throw new InvalidInputException("LoRA targets hold an empty name; give module names such as q_proj,v_proj or all");
            }
        }
    }

    /** Rank r, alpha = 2r (a common choice), no dropout, the family's default targets. */
    public static LoraConfig of(int rank) {
        return new LoraConfig(rank, 2.0 * rank, 0, List.of(), false);
    }

    public LoraConfig withTargets(List<String> t) {
        return new LoraConfig(rank, alpha, dropout, t, rslora);
    }

    /** The scale s applied to B·A: alpha / r, or alpha / sqrt(r) with rslora. */
    public double scale() {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /** Whether a target list means every linear module. */
    static boolean isAll(List<String> t) {
        return t.size() == 1 && (t.get(0).equalsIgnoreCase("all") || t.get(0).equalsIgnoreCase("all-linear"));
    }

    /** The short module name of a per-layer linear weight ({@code q_proj}), or null for any other tensor. */
    public static String moduleOf(String weightName) {
        Matcher m = MODULE.matcher(weightName);
        return m.matches() ? m.group(1) : null;
    }

    /** The linear modules a model of {@code config} has, in the order of its tensor table. */
    public static List<String> modulesOf(ModelConfig config) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : ParameterTable.shapes(config).keySet()) {
            String m = moduleOf(n);
            if (m != null) {
                out.add(m);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The module names these targets mean for {@code config}, in table order.
     *
     * @throws InvalidInputException naming a target the family does not have, and the ones it has
     */
    public List<String> resolve(ModelConfig config) {
        List<String> have = modulesOf(config);
        if (targets.isEmpty()) {
            return have.contains("q_proj") ? List.of("q_proj", "v_proj") : List.of("qkv_proj");
        }
        if (isAll(targets)) {
            return have;
        }
        Set<String> want = new LinkedHashSet<>();
        for (String t : targets) {
            String n = t.trim().toLowerCase(Locale.ROOT);
            if (n.equals("all") || n.equals("all-linear")) {
                throw new InvalidInputException("LoRA targets: 'all' stands alone, found " + targets);
            }
            if (!have.contains(n)) {
                throw new InvalidInputException("LoRA target '" + t + "' is not a linear module of this "
                        + config.family().modelType() + " model; its modules: " + have + " (or all)");
            }
            want.add(n);
        }
        List<String> out = new ArrayList<>();
        for (String h : have) {
            if (want.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** For a run record: r, alpha, dropout, targets (as given; empty = the family default), rslora. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("rank", rank);
        m.put("alpha", alpha);
        m.put("dropout", dropout);
        m.put("targets", targets);
        if (rslora) {
            m.put("rslora", true);
        }
        return m;
    }
}
