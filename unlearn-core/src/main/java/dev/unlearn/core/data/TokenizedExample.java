package dev.unlearn.core.data;

import java.util.Arrays;

/**
 * One tokenized training or evaluation sequence: {@code inputIds} = prompt tokens followed by target
 * tokens. Positions {@code < promptLength} carry label -100 (not scored); positions from
 * {@code promptLength} on are targets, in the Hugging Face causal-LM convention (logits at t predict
 * the token at t+1, so the first scored prediction comes from position promptLength-1).
 *
 * @param id stable id of the source record (content hash), or any caller-chosen key
 * @param inputIds token ids, prompt then answer (and EOS when the template appends one)
 * @param promptLength number of leading positions whose label is -100; at least 1
 * @param masking which positions a {@link Batch} hides from attention ({@link AttentionMasking#LENGTH}
 *     unless the tokenization was told otherwise)
 */
public record TokenizedExample(String id, long[] inputIds, int promptLength, AttentionMasking masking) {
    public static final long IGNORE = -100L;

    /** An example masked by length (the default). */
    public TokenizedExample(String id, long[] inputIds, int promptLength) {
        this(id, inputIds, promptLength, AttentionMasking.LENGTH);
    }

    public TokenizedExample {
        masking = masking == null ? AttentionMasking.LENGTH : masking;
        if (inputIds == null || inputIds.length == 0) {
            throw new IllegalArgumentException("example " + id + " has no tokens");
        }
        if (promptLength < 1 || promptLength > inputIds.length) {
            throw new IllegalArgumentException("example " + id + ": prompt length " + promptLength
                    + " outside 1.." + inputIds.length);
        }
    }

    /** Labels: -100 on prompt positions, the token id on target positions. */
    public long[] labels() {
        long[] l = inputIds.clone();
        Arrays.fill(l, 0, promptLength, IGNORE);
        return l;
    }

    /** The same example under another attention masking rule. */
    public TokenizedExample withMasking(AttentionMasking m) {
        return new TokenizedExample(id, inputIds, promptLength, m);
    }

    public int length() {
        return inputIds.length;
    }

    /**
     * A key for values computed from this example: its id and a SHA-256 of its token ids and prompt
     * length, so that a re-tokenised example (another template, another EOS rule) gets another key
     * instead of a stale value.
     */
    public String contentKey() {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 * inputIds.length + 4);
        for (long t : inputIds) {
            buf.putLong(t);
        }
        buf.putInt(promptLength);
        return id + "#" + dev.unlearn.core.io.Digests.sha256(buf.array());
    }

    /** Number of scored target tokens. */
    public int targetCount() {
        return inputIds.length - promptLength;
    }
}
