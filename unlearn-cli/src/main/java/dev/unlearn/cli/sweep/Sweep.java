package dev.unlearn.cli.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated sweep file ({@link SweepLoader} reads it; the format is in {@code recipes/README.md#sweeps}).
 *
 * @param file the sweep file
 * @param name short name used in reports
 * @param baseRecipe the base recipe file
 * @param base the base recipe as a tree, its paths made absolute
 * @param eval the {@code eval} section that replaces the base recipe's for every model, or null
 * @param search grid or random search
 * @param space the search space: blocks, each a method and its varied keys
 * @param forget forget sets (named splits, seeded random sets, worst-case sets); one trial per setting, forget set and seed
 * @param seeds recipe seeds (each builds its own full and retain models)
 * @param objective how trials are ranked
 * @param executor where trials run
 * @param keepModels whether a finished trial keeps its unlearned model
 * @param output the output folder as written in the file (relative to the file), or null
 */
public record Sweep(Path file, String name, Path baseRecipe, ObjectNode base, ObjectNode eval, Search search,
        List<Block> space, List<ForgetSet> forget, List<Long> seeds, Objective objective, ExecutorSpec executor,
        boolean keepModels, String output) {

    /**
     * One forget set of the sweep.
     *
     * @param label its name in reports and trial lists ({@code forget10}, {@code random10-s3},
     *     {@code worst-case-wc}); it names {@code best-LABEL.yaml}
     * @param set the recipe's {@code data.builtin.forget_set} for it, or null for a named split (the label)
     *     or for the base recipe's own set
     */
    public record ForgetSet(String label, ObjectNode set) {
        static ForgetSet split(String name) {
            return new ForgetSet(name, null);
        }

        /** Puts this set into a recipe's data source ({@code data.builtin} or {@code data.tofu}). */
        void apply(ObjectNode source) {
            if (set != null) {
                source.remove("forget_split");
                source.set("forget_set", set.deepCopy());
            } else if (!source.has("forget_set")) {
                source.put("forget_split", label);
            }
        }
    }

    /**
     * {@code grid} (every combination of every block) or {@code random} ({@code trials} settings drawn with
     * {@code seed}), optionally as successive halving ({@code halving}, else null).
     */
    public record Search(String kind, int trials, long seed, Halving halving) {
        public boolean random() {
            return kind.equals("random");
        }
    }

    /**
     * Successive halving (Jamieson and Talwalkar 2016; Li et al. 2018, Hyperband's inner loop): every setting
     * first runs with training budget {@code min} of {@code key}; each following rung keeps the best
     * {@code 1/eta} of the settings (ranked by the objective) and multiplies the budget by {@code eta}, up to
     * {@code max}.
     *
     * @param key the training key that is the budget: {@code max_steps} or {@code epochs}
     * @param min the first rung's budget
     * @param max the last rung's budget
     * @param eta the reduction factor (2 keeps half)
     */
    public record Halving(String key, int min, int max, int eta) {
        /** The budget of each rung: min, min·eta, ... while below max, then max. */
        public List<Integer> budgets() {
            List<Integer> out = new java.util.ArrayList<>();
            for (long b = min; b < max; b *= eta) {
                out.add((int) b);
            }
            out.add(max);
            return out;
        }

        /** How many of {@code first} settings rung {@code rung} runs: ceil(first / eta^rung), at least 1. */
        public int keep(int first, int rung) {
            double n = first;
            for (int k = 0; k < rung; k++) {
                n = Math.ceil(n / eta);
            }
            return Math.max(1, (int) n);
        }
    }

    /**
     * One block of the search space.
     *
     * @param at the key path of the block ({@code space[2]}), for messages
     * @param method registered method name
     * @param label run name in reports and in the best-settings recipe (the block's {@code name}, else the method)
     * @param baseRun the run of the base recipe whose config and train settings the block starts from, or null
     * @param params the keys the block sets, fixed or varied, in file order
     */
    public record Block(String at, String method, String label, JsonNode baseRun, List<Param> params) {}

    /**
     * One key of a block: {@code config.beta} or {@code train.lr}.
     *
     * @param section {@code config} or {@code train}
     * @param key the key inside the section
     * @param choices the values to try (one value = fixed); empty for a distribution
     * @param dist {@code uniform}, {@code log_uniform} or {@code int_uniform} (random search only), else null
     * @param lo lower bound of the distribution
     * @param hi upper bound of the distribution
     */
    public record Param(String section, String key, List<JsonNode> choices, String dist, double lo, double hi) {
        public boolean varied() {
            return dist != null || choices.size() > 1;
        }

        public String path() {
            return section + "." + key;
        }
    }

    /**
     * Where trials run.
     *
     * @param kind {@code local}, {@code slurm} or {@code kubernetes}
     * @param workers local worker processes (0 = as many as cores and memory allow)
     * @param memoryPerTrialMb memory one trial needs (bounds the local workers; the Slurm {@code --mem})
     * @param devices accelerators on this machine (0 = CPU only); bounds the local workers, one device each
     * @param slurm the {@code slurm} section (partition, time, ...), or an empty object
     * @param kubernetes the {@code kubernetes} section (image, volume claim, ...), or an empty object
     */
    public record ExecutorSpec(String kind, int workers, int memoryPerTrialMb, int devices, ObjectNode slurm,
            ObjectNode kubernetes) {}
}
