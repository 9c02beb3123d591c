/**
 * Decoder-only language models of the families registered in {@link dev.unlearn.core.model.family.Families}
 * (one package each under {@code family}): {@link dev.unlearn.core.model.ModelConfig} (HF
 * {@code config.json}), {@link dev.unlearn.core.model.CausalLm} (forward, hidden states, KV-cached
 * incremental forward), the pure layer functions in {@link dev.unlearn.core.model.Layers} and the HF
 * tensor-name table {@link dev.unlearn.core.model.ParameterTable}. Uses DJL's NDArray API and core
 * exceptions only; knows no file format, method or metric.
 */
package dev.unlearn.core.model;
