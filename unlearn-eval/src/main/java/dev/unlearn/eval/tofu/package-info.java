/**
 * TOFU metrics (spec §2): answer loss fields, Probability, ROUGE, Truth Ratio, Forget Quality, Model
 * Utility, Exact Memorization and Extraction Strength; reading and writing the reference eval logs
 * and the {@code aggregate_eval_stat.py} aggregation. Uses {@code dev.unlearn.eval.stats},
 * {@code dev.unlearn.eval.rouge}, Jackson and the {@code spi} package; no model code.
 */
package dev.unlearn.eval.tofu;
