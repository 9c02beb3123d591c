/**
 * Refusal metrics (spec §6 and addendum): the {@code gcg-prefixes}, {@code tofu-idk} and
 * {@code combined} detectors, refusal rate, SARR and the "not meaningful" rate with a documented
 * degenerate-output heuristic. Pure Java; the TOFU template file is read from a caller-given path.
 */
package dev.unlearn.eval.refusal;
