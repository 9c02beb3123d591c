package dev.unlearn.core.data;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.text.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts raw-text documents into training sequences of at most {@code maxTokens} tokens (BOS included
 * when the tokenizer has one), as sliding windows with a stride.
 *
 * <p>Each document is tokenized on its own without special tokens. A window holds
 * {@code w = maxTokens − 1} text tokens (or {@code maxTokens} without BOS); windows start at
 * {@code 0, stride, 2·stride, …} and the last one is moved back so that it ends at the document's
 * end. With {@code stride < w} windows overlap; the overlap of a window with the tokens already
 * covered is context only (label −100, as in Hugging Face's strided perplexity), so every text token
 * is a target exactly once, the first token of a document excepted when there is no BOS to predict
 * it from. With {@code stride = w} (the default, MUSE/OU) the chunks are disjoint.
 *
 * <p>A chunk id is {@code <document id>#<start token>}.
 */
public final class TextChunker {
    private TextChunker() {}

    /** One window over a document's tokens: {@code [start, end)}, targets from {@code firstNew} on. */
    public record Window(int start, int end, int firstNew) {}

    /**
     * The windows over {@code n} tokens (pure; the rule of the class comment).
     *
     * @param n document length in tokens
     * @param window tokens per window, at least 1
     * @param stride step between window starts, {@code 1 ≤ stride ≤ window}
     */
    public static List<Window> windows(int n, int window, int stride) {
        if (window < 1) {
            throw new InvalidInputException("chunk window must hold at least 1 token, got " + window);
        }
        if (stride < 1 || stride > window) {
            throw new InvalidInputException("chunk stride must be between 1 and the window (" + window + "), got " + stride);
        }
        List<Window> out = new ArrayList<>();
        int covered = 0;
        for (int start = 0; covered < n; start += stride) {
            int s = Math.min(start, Math.max(0, n - window));
            int e = Math.min(n, s + window);
            out.add(new Window(s, e, covered));
            covered = e;
        }
        return out;
    }

    /**
     * Chunks documents for training or scoring.
     *
     * @param tokenizer the model's tokenizer
     * @param docs documents, in order
     * @param maxTokens longest sequence, BOS included, at least 2
     * @param stride window stride in text tokens, or 0 for disjoint windows
     */
    public static List<TokenizedExample> chunk(TextTokenizer tokenizer, List<TextRecord> docs, int maxTokens, int stride) {
        if (maxTokens < 2) {
            throw new InvalidInputException("chunk_tokens must be at least 2, got " + maxTokens);
        }
        Long bos = tokenizer.bosId();
        int window = bos == null ? maxTokens : maxTokens - 1;
        int st = stride <= 0 ? window : stride;
        List<TokenizedExample> out = new ArrayList<>();
        for (TextRecord d : docs) {
            long[] ids = tokenizer.encode(d.text(), false);
            for (Window w : windows(ids.length, window, st)) {
                long[] body = Arrays.copyOfRange(ids, w.start(), w.end());
                long[] seq;
                int context;
                if (bos != null) {
                    seq = new long[body.length + 1];
                    seq[0] = bos;
                    System.arraycopy(body, 0, seq, 1, body.length);
                    context = 1 + (w.firstNew() - w.start());
                } else {
                    seq = body;
                    context = Math.max(1, w.firstNew() - w.start());
                }
                if (seq.length >= 2 && context < seq.length) {
                    out.add(new TokenizedExample(d.id() + "#" + w.start(), seq, context));
                }
            }
        }
        return out;
    }
}
