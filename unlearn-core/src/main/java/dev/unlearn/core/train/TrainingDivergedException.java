package dev.unlearn.core.train;

import dev.unlearn.core.UnlearnException;

/**
 * Training stopped because too many steps had a NaN/Inf loss or gradient. The parameters were not
 * updated by any skipped step; the message names the last good checkpoint (if any).
 */
public class TrainingDivergedException extends UnlearnException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
