/**
 * Service-provider interface of the evaluation module: {@link dev.unlearn.eval.spi.Metric},
 * {@link dev.unlearn.eval.spi.MetricResult}, {@link dev.unlearn.eval.spi.EvaluationContext}, the
 * {@link dev.unlearn.eval.spi.Metrics} registry and {@link dev.unlearn.eval.spi.Suites}. Depends only on
 * {@code dev.unlearn.core} exceptions; implementations live in sibling packages and register in
 * {@code META-INF/services/dev.unlearn.eval.spi.Metric}.
 */
package dev.unlearn.eval.spi;
