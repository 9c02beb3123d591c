package dev.unlearn.methods.run;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.train.Schedule;

/**
 * Optimisation settings of a loss-based run (methods.md §1.4). Method defaults never set a learning
 * rate: tiny CPU models need about 1e-3, 7B models 1e-5.
 *
 * @param learningRate AdamW base rate, &gt; 0
 * @param epochs passes over the forget set (ignored when {@code maxSteps > 0})
 * @param batchSize forget samples per step (and retain samples per step when paired)
 * @param maxSteps optimizer steps; 0 means as many as the epochs need
 * @param weightDecay decoupled weight decay (0.01 in OU TOFU)
 * @param schedule learning-rate schedule after warm-up
 * @param warmupSteps linear warm-up steps
 * @param seed run seed: batch order, retain draws, template draws, RMU control vector
 * @param maxLength tokenization cut-off (prompt + answer tokens)
 */
public record RunSettings(double learningRate, int epochs, int batchSize, long maxSteps, double weightDecay,
        Schedule schedule, long warmupSteps, long seed, int maxLength) {
    public RunSettings {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InvalidInputException("learning rate must be a positive number, found " + learningRate);
        }
        if (epochs < 1) {
            throw new InvalidInputException("epochs must be at least 1, found " + epochs);
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batch size must be at least 1, found " + batchSize);
        }
        if (maxSteps < 0) {
            throw new InvalidInputException("max steps must be >= 0 (0 = by epochs), found " + maxSteps);
        }
        if (maxLength < 2) {
            throw new InvalidInputException("max length must be at least 2 tokens, found " + maxLength);
        }
        schedule = schedule == null ? Schedule.LINEAR : schedule;
    }

    /** {@code lr}, 1 epoch, batch 8, no step cap, weight decay 0.01, linear schedule, no warm-up, seed 0, 512 tokens. */
    public static RunSettings of(double learningRate) {
        return new RunSettings(learningRate, 1, 8, 0, 0.01, Schedule.LINEAR, 0, 0, 512);
    }

    public RunSettings withEpochs(int n) {
        return new RunSettings(learningRate, n, batchSize, maxSteps, weightDecay, schedule, warmupSteps, seed, maxLength);
    }

    public RunSettings withBatchSize(int n) {
        return new RunSettings(learningRate, epochs, n, maxSteps, weightDecay, schedule, warmupSteps, seed, maxLength);
    }

    public RunSettings withMaxSteps(long n) {
        return new RunSettings(learningRate, epochs, batchSize, n, weightDecay, schedule, warmupSteps, seed, maxLength);
    }

    public RunSettings withSeed(long s) {
        return new RunSettings(learningRate, epochs, batchSize, maxSteps, weightDecay, schedule, warmupSteps, s, maxLength);
    }

    public RunSettings withSchedule(Schedule s, long warmup) {
        return new RunSettings(learningRate, epochs, batchSize, maxSteps, weightDecay, s, warmup, seed, maxLength);
    }

    public RunSettings withWeightDecay(double wd) {
        return new RunSettings(learningRate, epochs, batchSize, maxSteps, wd, schedule, warmupSteps, seed, maxLength);
    }

    public RunSettings withMaxLength(int n) {
        return new RunSettings(learningRate, epochs, batchSize, maxSteps, weightDecay, schedule, warmupSteps, seed, n);
    }
}
