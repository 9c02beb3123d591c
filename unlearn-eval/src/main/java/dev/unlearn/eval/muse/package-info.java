/**
 * MUSE metrics (spec §3): VerbMem, KnowMem and PrivLeak, each in MUSE-original (default) and
 * open-unlearning semantics. Inputs are generated strings and token log-probs; uses the
 * {@code rouge}, {@code stats} and {@code mia} packages.
 */
package dev.unlearn.eval.muse;
