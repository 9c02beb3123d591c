/**
 * Loss building blocks shared by the loss-based methods (methods.md §0, §1.2): sequence reductions of
 * token log-probs ({@code NLL_sum}, {@code NLL_mean}, {@code NLL_pool}), the NLL and KL retain losses
 * and stable elementwise math. All are static functions on {@code NDArray}s: float32 in production,
 * float64 in tests. May use unlearn-core's {@code score} kernel and the SPI; never a concrete method.
 */
package dev.unlearn.methods.loss;
