/**
 * Llama-family language models (Llama, Qwen2): {@link dev.unlearn.core.model.ModelConfig} (HF
 * {@code config.json}), {@link dev.unlearn.core.model.CausalLm} (forward, hidden states, KV-cached
 * incremental forward), the pure layer functions in {@link dev.unlearn.core.model.Layers} and the HF
 * tensor-name table {@link dev.unlearn.core.model.ParameterTable}. Uses DJL's NDArray API and core
 * exceptions only; knows no file format, method or metric.
 */
package dev.unlearn.core.model;
