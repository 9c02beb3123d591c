package dev.unlearn.core.train;

import dev.unlearn.core.InvalidInputException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Settings of one {@link TrainingLoop} run. Build with {@link #builder()}: {@code set…} for the
 * required learning rate, {@code opt…} for the rest; {@link Builder#build()} checks every value and
 * names the one at fault.
 *
 * <p>Users' settings arrive as one {@link TrainSettings} ({@link TrainSettings#toConfig(long)}); the
 * builder's defaults for the keys it shares with them (weight decay, schedule, warm-up, clipping,
 * accumulation, epochs, max steps) are {@link TrainSettings#DEFAULTS}, the one table. The rest: AdamW
 * β = (0.9, 0.999), ε = 1e-8 (methods.md §1.4), seed 0. Weight decay skips parameters whose name ends in {@code bias} or contains {@code norm} (the
 * Hugging Face Trainer's grouping) unless {@link Builder#optDecayFilter} says otherwise. The components
 * are the builder's settings of the same names ({@code accumulation}: micro-batches per step;
 * {@code decay}: which parameters take weight decay; {@code gradCheckpointing}: each micro-batch's model
 * forwards keep only the decoder layers' inputs and the layers are recomputed during backward, see
 * {@link dev.unlearn.core.model.LayerCheckpoints}).
 */
public record TrainingConfig(double learningRate, double weightDecay, double beta1, double beta2, double epsilon,
        Schedule schedule, long warmupSteps, double maxGradNorm, int accumulation, int epochs, long maxSteps, long seed,
        Path checkpointDir, long checkpointEvery, boolean resume, int maxBadSteps, Path logFile, PrintStream progress,
        int progressEvery, Predicate<String> decay, boolean gradCheckpointing) {

    /** Checks every value; a bad one is an {@link InvalidInputException} naming its key. */
    public TrainingConfig {
        check(learningRate > 0 && Double.isFinite(learningRate), "learning_rate", "a positive number", learningRate);
        check(weightDecay >= 0, "weight_decay", ">= 0", weightDecay);
        check(beta1 >= 0 && beta1 < 1, "beta1", "in [0, 1)", beta1);
        check(beta2 >= 0 && beta2 < 1, "beta2", "in [0, 1)", beta2);
        check(epsilon > 0, "epsilon", "> 0", epsilon);
        check(schedule != null, "schedule", "one of CONSTANT, LINEAR, COSINE", schedule);
        check(warmupSteps >= 0, "warmup_steps", ">= 0", warmupSteps);
        check(maxGradNorm >= 0, "max_grad_norm", ">= 0 (0 = off)", maxGradNorm);
        check(accumulation >= 1, "gradient_accumulation", ">= 1", accumulation);
        check(epochs >= 1, "epochs", ">= 1", epochs);
        check(maxSteps >= 0, "max_steps", ">= 0 (0 = by epochs)", maxSteps);
        check(checkpointEvery >= 0, "checkpoint_every", ">= 0", checkpointEvery);
        check(maxBadSteps >= 0, "max_bad_steps", ">= 0", maxBadSteps);
        check(progressEvery >= 1, "progress_every", ">= 1", progressEvery);
    }

    private static void check(boolean ok, String key, String expected, Object found) {
        if (!ok) {
            throw new InvalidInputException("training setting '" + key + "' must be " + expected + ", found " + found);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings that must match for a resume to reproduce an uninterrupted run (everything but
     * checkpointing, logging and the bad-step budget).
     */
    public String fingerprint() {
        return "lr=" + learningRate + " wd=" + weightDecay + " betas=" + beta1 + "," + beta2 + " eps=" + epsilon
                + " schedule=" + schedule + " warmup=" + warmupSteps + " clip=" + maxGradNorm + " accum=" + accumulation
                + " epochs=" + epochs + " max_steps=" + maxSteps + " seed=" + seed;
    }

    /** Builder; see the class comment for defaults. */
    public static final class Builder {
        private double learningRate = Double.NaN;
        private double weightDecay = TrainSettings.DEFAULTS.weightDecay();
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private Schedule schedule = TrainSettings.DEFAULTS.schedule();
        private long warmupSteps = TrainSettings.DEFAULTS.warmupSteps();
        private double maxGradNorm = TrainSettings.DEFAULTS.maxGradNorm();
        private int accumulation = TrainSettings.DEFAULTS.gradAccum();
        private int epochs = TrainSettings.DEFAULTS.epochs();
        private long maxSteps = TrainSettings.DEFAULTS.maxSteps();
        private long seed = 0;
        private Path checkpointDir;
        private long checkpointEvery = 0;
        private boolean resume = true;
        private int maxBadSteps = 10;
        private Path logFile;
        private PrintStream progress;
        private int progressEvery = 10;
        private Predicate<String> decay = name -> !(name.endsWith("bias") || name.toLowerCase().contains("norm"));
        private boolean gradCheckpointing = TrainSettings.DEFAULTS.gradCheckpointing();

        private Builder() {}

        /** Base learning rate (required, &gt; 0). */
        public Builder setLearningRate(double lr) {
            learningRate = lr;
            return this;
        }

        /** Decoupled weight decay (AdamW); default {@link TrainSettings#DEFAULTS}. */
        public Builder optWeightDecay(double wd) {
            weightDecay = wd;
            return this;
        }

        public Builder optBetas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder optEpsilon(double eps) {
            epsilon = eps;
            return this;
        }

        /** Schedule after warm-up; default {@link TrainSettings#DEFAULTS} (linear decay to 0). */
        public Builder optSchedule(Schedule s) {
            schedule = s;
            return this;
        }

        /** Linear warm-up steps; default {@link TrainSettings#DEFAULTS}. */
        public Builder optWarmupSteps(long steps) {
            warmupSteps = steps;
            return this;
        }

        /** Clip gradients to this global L2 norm; 0 turns clipping off. Default {@link TrainSettings#DEFAULTS}. */
        public Builder optMaxGradNorm(double norm) {
            maxGradNorm = norm;
            return this;
        }

        /** Micro-batches per optimizer step; default {@link TrainSettings#DEFAULTS}. */
        public Builder optGradientAccumulation(int n) {
            accumulation = n;
            return this;
        }

        /** Epochs over the batch source (ignored when max steps is set); default {@link TrainSettings#DEFAULTS}. */
        public Builder optEpochs(int n) {
            epochs = n;
            return this;
        }

        /** Optimizer steps to run; 0 (default) means as many as the epochs need. */
        public Builder optMaxSteps(long n) {
            maxSteps = n;
            return this;
        }

        public Builder optSeed(long s) {
            seed = s;
            return this;
        }

        /** Folder for {@code trainer-state.bin}; none means no checkpoints and no resume. */
        public Builder optCheckpointDir(Path dir) {
            checkpointDir = dir;
            return this;
        }

        /** Checkpoint every K optimizer steps (and always at the end); 0 = only at the end. */
        public Builder optCheckpointEvery(long k) {
            checkpointEvery = k;
            return this;
        }

        /** Continue from a checkpoint found in the checkpoint folder (default true). */
        public Builder optResume(boolean r) {
            resume = r;
            return this;
        }

        /** Skipped (NaN/Inf) steps tolerated before the run stops with an error, default 10. */
        public Builder optMaxBadSteps(int n) {
            maxBadSteps = n;
            return this;
        }

        /** JSON Lines training log, one object per optimizer step (appended on resume). */
        public Builder optLogFile(Path file) {
            logFile = file;
            return this;
        }

        /** Where progress goes (null: nowhere); one line per {@code every} steps when not a terminal. */
        public Builder optProgress(PrintStream out, int every) {
            progress = out;
            progressEvery = every;
            return this;
        }

        /** Which parameter names get weight decay. */
        public Builder optDecayFilter(Predicate<String> filter) {
            decay = filter;
            return this;
        }

        /**
         * Gradient checkpointing ({@link dev.unlearn.core.model.LayerCheckpoints}): the same gradients to
         * float32 rounding for less activation memory and one extra forward of the decoder layers per
         * micro-batch; default {@link TrainSettings#DEFAULTS} (off).
         */
        public Builder optGradCheckpointing(boolean on) {
            gradCheckpointing = on;
            return this;
        }

        /** The config; a bad value is an {@link InvalidInputException} naming its key. */
        public TrainingConfig build() {
            return new TrainingConfig(learningRate, weightDecay, beta1, beta2, epsilon, schedule, warmupSteps, maxGradNorm,
                    accumulation, epochs, maxSteps, seed, checkpointDir, checkpointEvery, resume, maxBadSteps, logFile, progress,
                    progressEvery, decay, gradCheckpointing);
        }
    }
}
