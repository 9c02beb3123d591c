/**
 * Worst-case forget-set search (methods.md §10): capped-simplex projections (exact and the reference
 * bisection), the upper-level projected step and the outer loop with the lower level as a callback.
 * Pure Java math; uses no NDArray and no concrete method.
 */
package dev.unlearn.methods.worstcase;
