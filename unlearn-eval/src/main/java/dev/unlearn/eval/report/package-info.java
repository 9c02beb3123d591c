/**
 * Reports: {@code report.json} (schema in the module README), an HTML page and PNG charts drawn with
 * XChart. Reads {@link dev.unlearn.eval.spi.MetricResult}s only; never runs metrics or models.
 */
package dev.unlearn.eval.report;
