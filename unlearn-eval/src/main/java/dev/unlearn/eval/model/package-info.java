/**
 * Model-driven evaluation: {@link dev.unlearn.eval.model.ModelRunner} turns a
 * {@link dev.unlearn.core.model.CausalLm} and its tokenizer into metric inputs (TOFU task logs, token
 * predictions, MIA samples, pooled hidden states, responses), {@link dev.unlearn.eval.model.ModelInputProvider}
 * serves them to an {@link dev.unlearn.eval.spi.EvaluationContext} on demand, and
 * {@link dev.unlearn.eval.model.Evaluator} is the façade that runs suites and returns a report with an
 * {@link dev.unlearn.eval.model.EvaluationSummary}.
 */
package dev.unlearn.eval.model;
