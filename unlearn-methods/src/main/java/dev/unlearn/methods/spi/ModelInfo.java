package dev.unlearn.methods.spi;

/**
 * The few model facts methods check or size things with; filled from core's {@code ModelConfig}.
 *
 * @param numLayers number of decoder blocks L
 * @param hiddenSize hidden width d
 * @param vocabSize vocabulary size V
 */
public record ModelInfo(int numLayers, int hiddenSize, int vocabSize) {
    public ModelInfo {
        if (numLayers < 1 || hiddenSize < 1 || vocabSize < 1) {
            throw new IllegalArgumentException("model sizes must be positive: L=" + numLayers + " d=" + hiddenSize
                    + " V=" + vocabSize);
        }
    }
}
