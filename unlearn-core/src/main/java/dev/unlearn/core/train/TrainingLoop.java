package dev.unlearn.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.Scalars;
import dev.unlearn.core.TorchKernels;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.data.Batch;
import dev.unlearn.core.model.LayerCheckpoints;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one training loop of the toolkit, shared by fine-tuning and every loss-based unlearning method.
 *
 * <p>Per optimizer step: for each of {@code accumulation} micro-batches, open a child manager and a
 * gradient collector, ask the {@link Objective} for a scalar loss, check it is finite and back-propagate
 * {@code loss / k}; then take the gradients, compute their global L2 norm, skip the step if the loss or
 * the norm is NaN/Inf (gradients zeroed, parameters untouched, counted; more than
 * {@code max_bad_steps} skips stop the run with {@link TrainingDivergedException}), otherwise clip to
 * {@code max_grad_norm} (Hugging Face rule: scale by {@code max/(norm+1e-6)} when that is below 1), update
 * with {@link AdamW} at the scheduled rate ({@link Schedule}) and zero the gradients. With gradient
 * checkpointing on, each micro-batch runs under a {@link LayerCheckpoints} tape, which
 * {@link Backprop#backward} replays after the loss's backward pass. Everything a step
 * allocates lives in a sub-manager closed at the end of the step, so native memory stays flat; the
 * optimizer moments live in one loop-level manager closed when {@link #run()} returns.
 *
 * <p>Micro-batches are numbered across epochs; micro-batch {@code i} is batch {@code i - start(e)} of the
 * epoch {@code e} it falls in, where epochs may differ in length ({@link BatchSource#batchesIn(int)}: a
 * source cut by a token budget). An optimizer step is always {@code accumulation} consecutive
 * micro-batches, each weighted {@code 1/accumulation} whatever its row count: with a token budget a
 * micro-batch may hold fewer than {@code batch_size} rows, so a step then covers at most (not exactly)
 * {@code batch_size × accumulation} rows, a row of a small micro-batch weighs more than one of a full
 * one, and an epoch-bounded run takes as many steps as its micro-batches need.
 *
 * <p>Checkpoints ({@link TrainerState}) are written atomically every {@code checkpoint_every} steps and
 * at the end; listeners hear {@link Listener#onCheckpoint} at the same moments (the CLI saves the model
 * there). A run with a checkpoint in its folder resumes from it and, because batches and random draws
 * depend only on {@code (seed, index)}, ends with the same weights as an uninterrupted run.
 */
public final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One finished optimizer step as logged. {@code step} counts completed steps (1-based). */
    public record StepRecord(long step, long totalSteps, int epoch, double loss, double learningRate, double gradNorm,
            long tokens, boolean skipped, Map<String, Double> metrics) {}

    /** Callbacks; all default to nothing. */
    public interface Listener {
        default void onStep(StepRecord record) {}

        /** Called after the trainer state for {@code step} completed steps is saved (and at the end). */
        default void onCheckpoint(long step) {}

        /**
         * Called once per optimizer step with the accumulated gradients by parameter name, after every
         * micro-batch's backward pass and before clipping and the update. The arrays are the live
         * gradients and are zeroed after the step: copy what must be kept, and do not modify them.
         *
         * @param step the optimizer step, 1-based as in {@link StepRecord#step()}
         */
        default void onGradients(long step, Map<String, NDArray> gradients) {}

        /**
         * Asked after {@link #onStep} for every finished step: {@code true} makes it the run's last step
         * (its trainer state is saved and {@link #onCheckpoint} heard, as at the planned end, and
         * {@link Result#steps()} counts the steps that ran). The learning-rate schedule keeps the planned
         * total, so a run stopped at step k took the same k steps as a run that goes on. A resumed run
         * continues from that checkpoint unless the listener stops it again.
         */
        default boolean stopAfter(StepRecord record) {
            return false;
        }
    }

    /**
     * Outcome of a run.
     *
     * @param steps optimizer steps completed in total (including those before a resume); fewer than
     *     planned when a listener stopped the run ({@link Listener#stopAfter})
     * @param skippedSteps steps skipped for NaN/Inf, in total
     * @param resumedFrom step the run resumed from (0 for a fresh run)
     * @param losses mean loss of every step this invocation ran (NaN for skipped ones)
     */
    public record Result(long steps, int skippedSteps, long resumedFrom, List<Double> losses) {
        /** Loss of the last step that ran, or NaN. */
        public double lastLoss() {
            return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
        }
    }

    private final TrainingConfig cfg;
    private final Map<String, NDArray> params;
    private final BatchSource source;
    private final Objective objective;
    private final EpochStarts epochs;
    private final List<Listener> listeners = new ArrayList<>();

    /**
     * @param cfg settings
     * @param params trainable parameters in a fixed order (names are used in checkpoints); updated in place
     * @param source micro-batches
     * @param objective the loss
     */
    public TrainingLoop(TrainingConfig cfg, Map<String, NDArray> params, BatchSource source, Objective objective) {
        if (params.isEmpty()) {
            throw new InvalidInputException("nothing to train: the parameter map is empty");
        }
        if (source.batchesIn(0) < 1) {
            throw new InvalidInputException("the batch source has no batches (empty dataset?)");
        }
        this.cfg = cfg;
        this.params = new LinkedHashMap<>(params);
        this.source = source;
        this.objective = objective;
        this.epochs = new EpochStarts(source);
    }

    public TrainingLoop addListener(Listener l) {
        listeners.add(l);
        return this;
    }

    /** Optimizer steps this configuration runs in total. */
    public long totalSteps() {
        if (cfg.maxSteps() > 0) {
            return cfg.maxSteps();
        }
        return (totalMicro() + cfg.accumulation() - 1) / cfg.accumulation();
    }

    private long totalMicro() {
        return cfg.maxSteps() > 0 ? cfg.maxSteps() * cfg.accumulation() : epochs.start(cfg.epochs());
    }

    /**
     * Where each epoch starts in the numbering of micro-batches across epochs, extended as far as asked
     * (epoch lengths come from the source, one call per epoch).
     */
    private static final class EpochStarts {
        private final BatchSource source;
        private long[] starts = new long[] {0};
        private int known = 1;

        EpochStarts(BatchSource source) {
            this.source = source;
        }

        /** The first micro-batch of {@code epoch}. */
        synchronized long start(int epoch) {
            while (known <= epoch) {
                int n = source.batchesIn(known - 1);
                if (n < 1) {
                    throw new InvalidInputException("the batch source has no batches in epoch " + (known - 1));
                }
                if (known == starts.length) {
                    starts = Arrays.copyOf(starts, 2 * starts.length);
                }
                starts[known] = starts[known - 1] + n;
                known++;
            }
            return starts[epoch];
        }

        /** The epoch micro-batch {@code micro} falls in. */
        synchronized int epochOf(long micro) {
            while (starts[known - 1] <= micro) {
                start(known);
            }
            int lo = 0;
            int hi = known - 1; // starts[lo] <= micro < starts[hi]
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid] <= micro) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** Runs (or resumes) training to the end, or to the step after which a listener asks to stop. */
    public Result run() {
        Engines.pytorch();
        // libtorch's grad mode is per thread, and DJL turns it off only on the thread that loaded the engine;
        // on any other thread (a request submitted from a worker, a thread pool) the optimizer's in-place
        // updates of the parameters would fail as in-place operations on leaves that require grad. The
        // gradient collectors of the steps turn it on and restore it.
        boolean gradMode = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            return runWithoutGradMode();
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradMode);
        }
    }

    private Result runWithoutGradMode() {
        long total = totalSteps();
        long totalMicro = totalMicro();
        NDManager owner = params.values().iterator().next().getManager();
        params.values().forEach(p -> {
            if (!p.hasGradient()) {
                p.setRequiresGradient(true);
            }
        });
        List<Double> losses = new ArrayList<>();
        ProgressReporter progress = new ProgressReporter(cfg.progress(), cfg.progressEvery());
        try (NDManager loop = owner.newSubManager()) {
            AdamW adam = new AdamW(loop, params, cfg.beta1(), cfg.beta2(), cfg.epsilon(), cfg.weightDecay(), cfg.decay());
            long start = 0;
            int bad = 0;
            if (cfg.checkpointDir() != null && cfg.resume() && TrainerState.readHeader(cfg.checkpointDir()) != null) {
                TrainerState.Header h = TrainerState.readHeader(cfg.checkpointDir());
                if (!h.fingerprint().equals(cfg.fingerprint())) {
                    throw new InvalidInputException("Checkpoint in " + cfg.checkpointDir() + " was made with settings ["
                            + h.fingerprint() + "], this run has [" + cfg.fingerprint() + "]: use the same settings,"
                            + " another checkpoint folder, or turn resume off");
                }
                try (NDManager s = loop.newSubManager()) {
                    TrainerState.load(cfg.checkpointDir(), params, adam, s);
                }
                start = h.step();
                bad = h.badSteps();
                LOG.info("Resuming from step {} of {} ({})", start, total, cfg.checkpointDir());
            }
            long lastCheckpoint = start;
            try (TrainingLog log = new TrainingLog(cfg.logFile(), start)) {
                long t0 = System.nanoTime();
                for (long step = start; step < total; step++) {
                    StepRecord rec;
                    try (NDManager s = loop.newSubManager()) {
                        rec = step(s, adam, step, total, totalMicro);
                    }
                    losses.add(rec.loss());
                    if (rec.skipped()) {
                        bad++;
                        LOG.warn("Step {} skipped: loss or gradient is NaN/Inf ({} skipped so far)", rec.step(), bad);
                    }
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    double perStep = elapsed / (step - start + 1);
                    log.write(rec, elapsed);
                    progress.report(rec.step(), total, rec.loss(), rec.learningRate(), rec.tokens() / Math.max(1e-9,
                            perStep), perStep * (total - step - 1), rec.skipped());
                    for (Listener l : listeners) {
                        l.onStep(rec);
                    }
                    if (bad > cfg.maxBadSteps()) {
                        throw new TrainingDivergedException("Training stopped at step " + rec.step() + ": " + bad
                                + " steps had a NaN/Inf loss or gradient (max_bad_steps " + cfg.maxBadSteps() + "). "
                                + (cfg.checkpointDir() == null ? "No checkpoint folder was set."
                                        : "Last good checkpoint: step " + lastCheckpoint + " in " + cfg.checkpointDir() + ".")
                                + " Lower the learning rate or check the objective and data.");
                    }
                    boolean stop = false;
                    for (Listener l : listeners) {
                        stop |= l.stopAfter(rec);
                    }
                    boolean end = stop || step + 1 == total;
                    if (end || (cfg.checkpointEvery() > 0 && (step + 1) % cfg.checkpointEvery() == 0)) {
                        if (cfg.checkpointDir() != null) {
                            TrainerState.save(cfg.checkpointDir(), new TrainerState.Header(step + 1, adam.t, bad, cfg.seed(),
                                    cfg.fingerprint(), new ArrayList<>(params.keySet())), params, adam);
                            lastCheckpoint = step + 1;
                        }
                        for (Listener l : listeners) {
                            l.onCheckpoint(step + 1);
                        }
                    }
                    if (stop) {
                        LOG.debug("Stopped after step {} of {}: a listener asked to", step + 1, total);
                        return new Result(step + 1, bad, start, losses);
                    }
                }
            }
            return new Result(total, bad, start, losses);
        }
    }

    private StepRecord step(NDManager s, AdamW adam, long step, long total, long totalMicro) {
        long first = step * cfg.accumulation();
        long last = Math.min(first + cfg.accumulation(), totalMicro);
        int k = (int) Math.max(1, last - first);
        boolean bad = false;
        double lossSum = 0;
        long tokens = 0;
        int epoch = epochs.epochOf(first);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (long mi = first; mi < Math.max(last, first + 1); mi++) {
            int ep = epochs.epochOf(mi);
            Map<String, Batch> batches = source.batches(ep, (int) (mi - epochs.start(ep)));
            for (Batch b : batches.values()) {
                for (int len : b.lengths()) {
                    tokens += len;
                }
            }
            try (NDManager ms = s.newSubManager();
                    GradientCollector gc = Engines.pytorch().newGradientCollector();
                    LayerCheckpoints tape = cfg.gradCheckpointing() ? LayerCheckpoints.open() : null) {
                StepContext ctx = new StepContext(ms, batches, step, mi, ep, rng(cfg.seed(), mi), params);
                NDArray loss = objective.loss(ctx);
                if (loss == null || loss.size() != 1) {
                    throw new UnlearnException("The objective must return a scalar loss, got "
                            + (loss == null ? "null" : "shape " + loss.getShape()));
                }
                double value = loss.toType(DataType.FLOAT64, false).getDouble();
                ctx.metrics().forEach((n, v) -> metrics.merge(n, v / k, Double::sum));
                if (!Double.isFinite(value)) {
                    bad = true;
                    break;
                }
                lossSum += value;
                Backprop.backward(gc, Scalars.div(loss, k));
            }
        }
        Map<String, NDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(s);
            grads.put(e.getKey(), g);
        }
        // per tensor a float sum of squares, added in double (one native call for all of them)
        double sq = bad ? 0 : TorchKernels.squaredNorm(grads.values());
        for (Listener l : listeners) {
            l.onGradients(step + 1, Collections.unmodifiableMap(grads));
        }
        double norm = Math.sqrt(sq);
        bad |= !Double.isFinite(norm);
        double lr = cfg.learningRate() * cfg.schedule().factor(step, total, cfg.warmupSteps());
        if (!bad) {
            if (cfg.maxGradNorm() > 0) {
                double coef = cfg.maxGradNorm() / (norm + 1e-6);
                if (coef < 1) {
                    TorchKernels.scale(grads.values(), coef);
                }
            }
            adam.update(params, grads, lr, s);
        }
        TorchKernels.zero(grads.values());
        return new StepRecord(step + 1, total, epoch, bad ? Double.NaN : lossSum / k, lr, bad ? Double.NaN : norm, tokens,
                bad, metrics);
    }

    private static Random rng(long seed, long micro) {
        long x = seed * 0x9E3779B97F4A7C15L + micro * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        return new Random(x);
    }

    /** JSON Lines log; on resume, lines after the resumed step are dropped first. */
    private static final class TrainingLog implements AutoCloseable {
        private final BufferedWriter out;
        private final Path file;

        TrainingLog(Path file, long resumeStep) {
            this.file = file;
            if (file == null) {
                out = null;
                return;
            }
            try {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                List<String> keep = new ArrayList<>();
                if (resumeStep > 0 && Files.isRegularFile(file)) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        if (!line.isBlank() && MAPPER.readTree(line).path("step").asLong() <= resumeStep) {
                            keep.add(line);
                        }
                    }
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                for (String line : keep) {
                    out.write(line);
                    out.write('\n');
                }
                out.flush();
            } catch (IOException e) {
                throw new UnlearnException("Cannot open training log " + file + ": " + e.getMessage(), e);
            }
        }

        void write(StepRecord r, double elapsedSeconds) {
            if (out == null) {
                return;
            }
            ObjectNode o = MAPPER.createObjectNode();
            o.put("step", r.step());
            o.put("total_steps", r.totalSteps());
            o.put("epoch", r.epoch());
            if (r.skipped()) {
                o.putNull("loss");
                o.putNull("grad_norm");
            } else {
                o.put("loss", r.loss());
                o.put("grad_norm", r.gradNorm());
            }
            o.put("lr", r.learningRate());
            o.put("tokens", r.tokens());
            o.put("skipped", r.skipped());
            o.put("elapsed_s", Math.round(elapsedSeconds * 1000) / 1000.0);
            ObjectNode m = o.putObject("metrics");
            r.metrics().forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    m.put(k, v);
                } else {
                    m.putNull(k);
                }
            });
            try {
                out.write(MAPPER.writeValueAsString(o));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UnlearnException("Cannot write training log " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.warn("Closing training log {} failed: {}", file, e.getMessage());
                }
            }
        }
    }
}
