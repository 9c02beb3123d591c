package dev.unlearn.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What a forward pass returns; every array belongs to the input ids' manager.
 *
 * @param logits [B, T, V] in the model's compute type
 * @param hiddenStates HF {@code output_hidden_states} convention: the embedding output, then the
 *     output of each decoder layer but the last, then the final-norm output (layers + 1 arrays,
 *     each [B, T, D]); empty unless requested
 */
public record LmOutput(NDArray logits, List<NDArray> hiddenStates) {}
