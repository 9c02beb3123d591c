package dev.unlearn.core.generate;

import java.util.List;

/**
 * Edits next-token logits in place before a token is chosen (GUARD-style interventions, bans,
 * penalties). Processors compose into a chain applied in order.
 */
@FunctionalInterface
public interface LogitsProcessor {
    /**
     * @param sequenceSoFar prompt followed by the tokens generated so far (do not modify)
     * @param logits next-token logits over the vocabulary, modified in place
     */
    void process(long[] sequenceSoFar, float[] logits);

    /** This processor, then {@code next}. */
    default LogitsProcessor andThen(LogitsProcessor next) {
        return (seq, logits) -> {
            process(seq, logits);
            next.process(seq, logits);
        };
    }

    /** The processors applied in list order (identity for an empty list). */
    static LogitsProcessor chain(List<LogitsProcessor> processors) {
        List<LogitsProcessor> copy = List.copyOf(processors);
        return (seq, logits) -> {
            for (LogitsProcessor p : copy) {
                p.process(seq, logits);
            }
        };
    }

    /** Sets the given token ids' logits to negative infinity. */
    static LogitsProcessor banTokens(long... ids) {
        long[] c = ids.clone();
        return (seq, logits) -> {
            for (long id : c) {
                if (id >= 0 && id < logits.length) {
                    logits[(int) id] = Float.NEGATIVE_INFINITY;
                }
            }
        };
    }
}
