package dev.unlearn.eval.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tokenizer of the {@code rouge_score} 0.1.2 package ({@code tokenize.tokenize}), with optional
 * Porter stemming.
 *
 * <p>Reference matched: {@code google-research/rouge} {@code rouge_score/tokenize.py}; spec §1.6.
 * Steps: {@code lower()} (here {@code toLowerCase(Locale.ROOT)}, identical on every code point), every
 * maximal run outside {@code [a-z0-9]} becomes one space, split on whitespace, stem tokens longer
 * than 3 characters with {@link PorterStemmer} (NLTK_EXTENSIONS), drop tokens not matching
 * {@code [a-z0-9]+}.
 */
public final class RougeTokenizer {
    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");
    private static final Pattern VALID = Pattern.compile("^[a-z0-9]+$");

    private RougeTokenizer() {}

    /**
     * Tokenizes a text as {@code rouge_score} does.
     *
     * @param text any text; {@code null} is rejected
     * @param stem whether to Porter-stem tokens longer than 3 characters
     * @return the tokens, possibly empty
     */
    public static List<String> tokenize(String text, boolean stem) {
        if (text == null) {
            throw new IllegalArgumentException("ROUGE text is null; pass an empty string for no text");
        }
        String lowered = NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> out = new ArrayList<>();
        for (String token : lowered.trim().split("\\s+")) {
            String t = stem && token.length() > 3 ? PorterStemmer.INSTANCE.stem(token) : token;
            if (!t.isEmpty() && VALID.matcher(t).matches()) {
                out.add(t);
            }
        }
        return out;
    }
}
