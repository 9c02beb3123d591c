package dev.unlearn.core.text;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.AttentionMasking;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TextRecord;
import dev.unlearn.core.data.TokenizedExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns question/answer pairs into {@link TokenizedExample}s whose targets are exactly the answer
 * tokens plus EOS, following OU's {@code preprocess_chat_instance} (evaluation.md §1.2, methods.md §0):
 * <ol>
 *   <li>{@code ids = encode(template.full(q, a), specials)}; append EOS unless the last id is EOS;</li>
 *   <li>{@code promptLength = len(encode(template.prompt(q), specials))} (the prompt on its own);</li>
 *   <li>if longer than {@code maxLength}, cut to {@code maxLength} (TOFU rule: then no EOS target).</li>
 * </ol>
 * When the tokenizer merges across the boundary so that no target is left, the sample is skipped and
 * reported ({@link Result#skipped()}), as methods.md §0 asks.
 *
 * <p>With a chat template ({@link PromptTemplate#isChat()}) the text carries its own special tokens and
 * is encoded without adding any: {@code ids = encode(prompt + answer + endOfTurn)}, and the scored
 * tokens are exactly the answer's and the end-of-turn token (checked to be one token, the last).
 */
public final class QaTokenization {
    /** Examples made plus ids of samples skipped for having no target token. */
    public record Result(List<TokenizedExample> examples, List<String> skipped) {}

    /**
     * A record that yields no target token here ({@link #tokenizeAll} skips it). Every other input
     * error, such as a tokenizer that does not fit the model, stops the whole run.
     */
    public static final class NoTargetException extends InvalidInputException {
        NoTargetException(String message) {
            super(message);
        }
    }

    /** One token of an explained example. */
    public record Token(int position, long id, String text, boolean scored) {}

    private final TextTokenizer tokenizer;
    private final PromptTemplate template;
    private final int maxLength;
    private final AttentionMasking masking;

    public QaTokenization(TextTokenizer tokenizer, PromptTemplate template, int maxLength) {
        this(tokenizer, template, maxLength, AttentionMasking.LENGTH);
    }

    /** Examples made here carry {@code masking} (training setting {@code attention_mask}). */
    public QaTokenization(TextTokenizer tokenizer, PromptTemplate template, int maxLength, AttentionMasking masking) {
        this.masking = masking == null ? AttentionMasking.LENGTH : masking;
        if (maxLength < 2) {
            throw new InvalidInputException("max_length must be at least 2, got " + maxLength);
        }
        this.tokenizer = tokenizer;
        this.template = template;
        this.maxLength = maxLength;
        template.checkSpecialTokens(tokenizer);
    }

    public PromptTemplate template() {
        return template;
    }

    public int maxLength() {
        return maxLength;
    }

    public AttentionMasking masking() {
        return masking;
    }

    /** Tokenizes a record's ground-truth answer. */
    public TokenizedExample tokenize(QaRecord r) {
        return tokenize(r.id(), r.question(), r.answer());
    }

    /**
     * Tokenizes one pair.
     *
     * @throws NoTargetException when no answer token remains (use {@link #tokenizeAll} to skip)
     */
    public TokenizedExample tokenize(String id, String question, String answer) {
        if (template.isChat()) {
            return tokenizeChat(id, question, answer);
        }
        long[] full = tokenizer.encode(template.full(question, answer), true);
        if (full.length == 0 || full[full.length - 1] != tokenizer.eosId()) {
            full = Arrays.copyOf(full, full.length + 1);
            full[full.length - 1] = tokenizer.eosId();
        }
        int nq = tokenizer.encode(template.prompt(question), true).length;
        if (full.length > maxLength) {
            full = Arrays.copyOf(full, maxLength);
        }
        if (nq < 1 || nq >= full.length) {
            throw new NoTargetException("record " + id + ": no answer token left after the prompt (" + nq
                    + " prompt tokens of " + full.length + ", max_length " + maxLength + ")");
        }
        return new TokenizedExample(id, full, nq, masking);
    }

    private TokenizedExample tokenizeChat(String id, String question, String answer) {
        PromptTemplate.ChatParts p = template.chatParts(question, answer);
        long[] full = tokenizer.encode(p.prompt() + p.answer() + p.endOfTurn(), false);
        long[] eot = tokenizer.encode(p.endOfTurn(), false);
        if (eot.length != 1 || full.length == 0 || full[full.length - 1] != eot[0]) {
            throw new NoTargetException("record " + id + ": end-of-turn '" + p.endOfTurn() + "' of chat template "
                    + template.name() + " is not one token at the end of the sequence");
        }
        int nq = tokenizer.encode(p.prompt(), false).length;
        if (full.length > maxLength) {
            full = Arrays.copyOf(full, maxLength);
        }
        if (nq < 1 || nq >= full.length) {
            throw new NoTargetException("record " + id + ": no answer token left after the prompt (" + nq
                    + " prompt tokens of " + full.length + ", max_length " + maxLength + ")");
        }
        return new TokenizedExample(id, full, nq);
    }

    /** The prompt's tokens for generation (special tokens as the template requires). */
    public long[] encodePrompt(String question) {
        return template.encodePrompt(tokenizer, question);
    }

    /** Tokenizes every record, skipping (and listing) those without a target token. */
    public Result tokenizeAll(List<QaRecord> records) {
        List<TokenizedExample> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (QaRecord r : records) {
            try {
                out.add(tokenize(r));
            } catch (NoTargetException e) {
                skipped.add(r.id());
            }
        }
        return new Result(out, skipped);
    }

    /**
     * A raw text for MUSE-style training: tokenized with special tokens, cut to {@code maxLength};
     * every token after position 0 is a target (methods.md §1.4).
     */
    public TokenizedExample tokenizeText(TextRecord r) {
        long[] ids = tokenizer.encode(r.text(), true);
        if (ids.length > maxLength) {
            ids = Arrays.copyOf(ids, maxLength);
        }
        if (ids.length < 2) {
            throw new InvalidInputException("text record " + r.id() + " (" + r.source() + ") has fewer than 2 tokens");
        }
        return new TokenizedExample(r.id(), ids, 1, masking);
    }

    /**
     * MUSE-style corpus chunks (methods.md §1.4, OU): all texts joined with {@code "\n\n"}, tokenized
     * without special tokens, cut into chunks of {@code chunkTokens} tokens, each chunk decoded and
     * re-tokenized with special tokens (BOS); every token after position 0 is a target. The last
     * chunk may be shorter; a chunk with fewer than 2 tokens is dropped. Chunk ids are
     * {@code <digest of all record ids>-<chunk index>}.
     */
    public List<TokenizedExample> chunkCorpus(List<TextRecord> records, int chunkTokens) {
        if (chunkTokens < 1) {
            throw new InvalidInputException("chunk size must be at least 1 token, got " + chunkTokens);
        }
        StringBuilder joined = new StringBuilder();
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                joined.append("\n\n");
            }
            joined.append(records.get(i).text());
            ids.append(records.get(i).id()).append(' ');
        }
        String prefix = dev.unlearn.core.data.RecordIds.sha256(ids.toString()).substring(0, 12);
        long[] all = tokenizer.encode(joined.toString(), false);
        List<TokenizedExample> out = new ArrayList<>();
        for (int s = 0, n = 0; s < all.length; s += chunkTokens, n++) {
            String text = tokenizer.decode(Arrays.copyOfRange(all, s, Math.min(all.length, s + chunkTokens)), false);
            long[] chunk = tokenizer.encode(text, true);
            if (chunk.length > maxLength) {
                chunk = Arrays.copyOf(chunk, maxLength);
            }
            if (chunk.length >= 2) {
                out.add(new TokenizedExample(prefix + "-" + n, chunk, 1, masking));
            }
        }
        return out;
    }

    /** Shows, token by token, what {@code example} scores (a target is predicted from the position before it). */
    public List<Token> explain(TokenizedExample example) {
        List<Token> out = new ArrayList<>();
        long[] ids = example.inputIds();
        for (int t = 0; t < ids.length; t++) {
            out.add(new Token(t, ids[t], tokenizer.decode(new long[] {ids[t]}, false), t >= example.promptLength()));
        }
        return out;
    }

    /** The decoded text of the scored tokens only (answer and EOS, special tokens kept). */
    public String scoredText(TokenizedExample example) {
        long[] ids = example.inputIds();
        return tokenizer.decode(Arrays.copyOfRange(ids, example.promptLength(), ids.length), false);
    }
}
