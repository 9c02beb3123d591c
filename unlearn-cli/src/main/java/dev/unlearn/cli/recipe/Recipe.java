package dev.unlearn.cli.recipe;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.unlearn.core.train.TrainSettings;
import java.util.List;
import java.util.Map;

/**
 * A whole experiment as a YAML document: data, model, fine-tuning, the methods to compare,
 * evaluation and output. Bound by {@link RecipeLoader}, which rejects unknown keys and wrong types
 * with the path of the offending key. Keys are snake_case; see {@code recipes/README.md}.
 *
 * @param name short name used in reports
 * @param seed master seed; every stage derives its own from it
 * @param output run directory (relative paths resolve against the recipe's folder); {@code --out} overrides
 * @param data where the QA data comes from
 * @param model the starting model: a checkpoint or an {@code init} config to train from scratch
 * @param finetune how the full and retain-only models are trained ({@link TrainSettings}; not allowed when
 *     both models are given as checkpoints, since nothing is trained then)
 * @param methods unlearning runs to compare, each a method name plus its config
 * @param eval evaluation suites and their settings
 */
public record Recipe(
        String name,
        Long seed,
        String output,
        DataSpec data,
        ModelSpec model,
        TrainSettings finetune,
        List<MethodRun> methods,
        EvalSpec eval) {

    /** The fine-tuning settings: the recipe's {@code finetune} section over {@link TrainSettings#DEFAULTS}. */
    public TrainSettings finetuneSettings() {
        return finetune == null ? TrainSettings.DEFAULTS : finetune;
    }

    /**
     * Data source: exactly one of {@code builtin} (the fictitious-author world), {@code tofu} (a
     * folder with TOFU split files) or {@code muse}.
     */
    public record DataSpec(BuiltinData builtin, TofuData tofu, MuseData muse) {}

    /** The built-in world: {@code unlearn data synth} with these arguments. */
    public record BuiltinData(Integer authors, Long seed, @JsonProperty("forget_split") String forgetSplit,
            @JsonProperty("forget_set") ForgetSet forgetSet) {}

    /**
     * A forget set of the built-in world other than its {@code forgetXX} splits (in place of
     * {@code forget_split}): {@code random} percent of the authors drawn with {@code seed}, or the records of
     * {@code worst_case}, a TOFU-format file or an {@code unlearn worst-case} output folder (its
     * {@code forget.json} or {@code forget.jsonl}). {@code sha256}, if given, pins that file's content.
     * The retain model of such a set is trained on the rest of the world
     * ({@code dev.unlearn.core.synth.WorldForgetSet}).
     */
    public record ForgetSet(Double random, Long seed, @JsonProperty("worst_case") String worstCase, String sha256) {}

    /** A folder of TOFU files ({@code full.json}, {@code forget10.json}, ... as JSON or JSONL). */
    public record TofuData(String dir, @JsonProperty("forget_split") String forgetSplit,
            @JsonProperty("retain_split") String retainSplit) {}

    /**
     * MUSE-style raw-text corpora ({@code dev.unlearn.core.data.MuseCorpus} layout): {@code dir} with
     * {@code raw/forget.txt}, {@code retain1.txt}, {@code retain2.txt}, {@code holdout.txt}, {@code knowmem/},
     * {@code verbmem/} (file keys override the defaults; {@code retain_corpus} may list several files
     * separated by commas), or {@code builtin} for the generated news corpus. {@code chunk_tokens} and
     * {@code stride} cut documents into training windows; {@code layout} says how a {@code .txt} file splits
     * into documents ({@code file}, {@code line}, {@code paragraph}).
     */
    public record MuseData(String dir, MuseBuiltin builtin, @JsonProperty("forget_corpus") String forgetCorpus,
            @JsonProperty("retain_corpus") String retainCorpus, @JsonProperty("holdout_corpus") String holdoutCorpus,
            @JsonProperty("forget_qa") String forgetQa, @JsonProperty("retain_qa") String retainQa, String verbmem,
            @JsonProperty("chunk_tokens") Integer chunkTokens, Integer stride, String layout) {}

    /** The built-in MUSE-style news corpus ({@code dev.unlearn.core.synth.SynthNews}). */
    public record MuseBuiltin(Integer authors, @JsonProperty("forget_authors") Integer forgetAuthors, Integer holdout,
            Long seed) {}

    /**
     * The model: {@code checkpoint} (a Hugging Face directory the user provides, already fine-tuned
     * when {@code finetuned: true}) or {@code init} (a config to train from scratch).
     */
    public record ModelSpec(String checkpoint, Boolean finetuned, @JsonProperty("retain_checkpoint") String retainCheckpoint,
            InitSpec init, @JsonDeserialize(using = TemplateSpec.class) String template, String device) {}

    /** Architecture of a model trained from scratch (Llama family). */
    public record InitSpec(@JsonProperty("hidden_size") Integer hiddenSize, Integer layers, Integer heads,
            @JsonProperty("kv_heads") Integer kvHeads, @JsonProperty("intermediate_size") Integer intermediateSize,
            @JsonProperty("model_type") String modelType) {}

    /**
     * One unlearning run. {@code method} is a registered name ({@code npo}); {@code name} labels it in
     * reports (defaults to the method); {@code config} holds the method's keys (checked by the method);
     * {@code train} the training settings ({@link TrainSettings}: the same keys and defaults as
     * {@code finetune}, {@code unlearn forget} and a deletion request's {@code train}) plus the adapter keys
     * {@code lora} and {@code export} ({@link MethodTrain}).
     */
    public record MethodRun(String name, String method, Map<String, Object> config, MethodTrain train) {
        public String label() {
            return name != null ? name : method;
        }

        /** {@code train} over {@link TrainSettings#DEFAULTS}. */
        public TrainSettings settings() {
            return train == null ? TrainSettings.DEFAULTS : train.settings();
        }

        /** The run's adapter keys as {@code unlearn forget}'s options (all off without {@code train.lora}). */
        public dev.unlearn.cli.AdapterOptions adapterOptions() {
            return trainOrDefaults().options();
        }

        /** The precision the stage loads its model in ({@code train.precision}, fp32 when absent). */
        public dev.unlearn.core.model.Precision modelPrecision() {
            return trainOrDefaults().modelPrecision();
        }

        /** The largest reference cache of the stage, in bytes ({@code train.reference_cache_mb}). */
        public long referenceCacheBytes() {
            return trainOrDefaults().referenceCacheBytes();
        }

        private MethodTrain trainOrDefaults() {
            return train == null ? new MethodTrain(TrainSettings.DEFAULTS, null, null, null, null) : train;
        }
    }

    /**
     * Evaluation: suites to run, generation budget for ROUGE, scoring batch size and the scoring passes'
     * {@code attention_mask} ({@code length} by default, {@code pad_token} to match the reference).
     */
    public record EvalSpec(List<String> suites, @JsonProperty("max_new_tokens") Integer maxNewTokens,
            @JsonProperty("batch_size") Integer batchSize, @JsonProperty("attention_mask") String attentionMask,
            LeakageSpec leakage) {}

    /** Settings of the leakage suite (defaults: {@code dev.unlearn.eval.leakage.LeakageConfig#defaults}). */
    public record LeakageSpec(@JsonProperty("relearn_steps") Integer relearnSteps, @JsonProperty("relearn_lr") Double relearnLr,
            @JsonProperty("relearn_fraction") Double relearnFraction, @JsonProperty("few_shot") Integer fewShot) {}
}
