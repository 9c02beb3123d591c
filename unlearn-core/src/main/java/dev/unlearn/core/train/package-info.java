/**
 * The training loop shared by fine-tuning and loss-based unlearning: an {@link dev.unlearn.core.train.Objective}
 * (a step's batches in, a scalar loss out), AdamW with decoupled weight decay, warm-up plus
 * linear/cosine/constant schedules, global-norm clipping, gradient accumulation, a NaN/Inf guard,
 * atomic checkpoints with exact resume, progress lines and a JSON Lines log.
 *
 * <p>Works on an ordered map of parameter arrays, so it needs no model class; may use {@code data}.
 * Native memory: loop manager (optimizer state) &gt; one sub-manager per step &gt; one per micro-batch.
 */
package dev.unlearn.core.train;
