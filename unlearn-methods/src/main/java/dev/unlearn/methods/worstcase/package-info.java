/**
 * Worst-case forget-set search (methods.md §10): capped-simplex projections (exact and the reference
 * bisection), the upper-level projected step, the outer loop with the lower level as a callback
 * ({@link dev.unlearn.methods.worstcase.WorstCaseSearch#run}), and its wiring to a core
 * {@code CausalLm}: per-sample weighted method losses ({@link dev.unlearn.methods.worstcase.WeightedObjective}),
 * the sign-SGD lower level with in-place θ_0 restores ({@link dev.unlearn.methods.worstcase.ModelLowerLevel},
 * {@link dev.unlearn.methods.worstcase.ParameterSnapshot}) and the search/comparison front end
 * ({@link dev.unlearn.methods.worstcase.WorstCaseProblem}). Uses core (model, data, scoring) and the
 * loss functions of the methods it weights; never the evaluation module.
 */
package dev.unlearn.methods.worstcase;
