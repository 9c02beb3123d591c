package dev.unlearn.eval.rouge;

import java.util.Map;

/**
 * Porter stemmer in NLTK's default {@code NLTK_EXTENSIONS} mode, as {@code rouge_score} calls it.
 *
 * <p>Reference matched: NLTK 3.8 {@code nltk/stem/porter.py}, {@code PorterStemmer()} with
 * {@code mode=NLTK_EXTENSIONS}; the algorithm is written out in {@code specs/evaluation.md} Appendix A
 * (irregular forms, steps 1a–5b, the {@code *o} extension for two-letter stems, {@code alli} re-run
 * in step 2, {@code logi} measured on {@code l}). The MARTIN and ORIGINAL modes differ (e.g.
 * {@code days→dai}) and are deliberately not offered.
 *
 * <p>Input must be a lower-case token of {@code [a-z0-9]}; the ROUGE tokenizer guarantees it.
 * Stateless and thread-safe.
 */
public final class PorterStemmer {
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"), Map.entry("dying", "die"),
            Map.entry("lying", "lie"), Map.entry("tying", "tie"), Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"), Map.entry("proceed", "proceed"),
            Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    private static final String[][] STEP2 = {
        {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"}, {"izer", "ize"},
        {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"}, {"ousli", "ous"},
        {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"}, {"alism", "al"}, {"iveness", "ive"},
        {"fulness", "ful"}, {"ousness", "ous"}, {"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"},
        {"fulli", "ful"}, {"logi", "log"}};
    private static final String[][] STEP3 = {
        {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"}, {"ical", "ic"}, {"ful", ""},
        {"ness", ""}};
    private static final String[] STEP4 = {
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou",
        "ism", "ate", "iti", "ous", "ive", "ize"};

    /** Shared instance; the stemmer holds no state. */
    public static final PorterStemmer INSTANCE = new PorterStemmer();

    /**
     * Stems one lower-case token.
     *
     * @param word a token of {@code [a-z0-9]}
     * @return its stem; the word itself when no rule applies
     */
    public String stem(String word) {
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (word.length() <= 2) {
            return word;
        }
        String w = step1a(word);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = step3(w);
        w = step4(w);
        w = step5a(w);
        return step5b(w);
    }

    static boolean cons(CharSequence w, int i) {
        char c = w.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !cons(w, i - 1);
        }
        return true;
    }

    /** Number of vowel-consonant sequences in {@code s}. */
    static int measure(CharSequence s) {
        int m = 0;
        boolean prevVowel = false;
        for (int i = 0; i < s.length(); i++) {
            boolean c = cons(s, i);
            if (c && prevVowel) {
                m++;
            }
            prevVowel = !c;
        }
        return m;
    }

    private static boolean hasVowel(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!cons(s, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean doubleCons(String s) {
        int n = s.length();
        return n >= 2 && s.charAt(n - 1) == s.charAt(n - 2) && cons(s, n - 1);
    }

    private static boolean cvc(String s) {
        int n = s.length();
        if (n >= 3 && cons(s, n - 3) && !cons(s, n - 2) && cons(s, n - 1)) {
            char last = s.charAt(n - 1);
            return last != 'w' && last != 'x' && last != 'y';
        }
        return n == 2 && !cons(s, 0) && cons(s, 1);
    }

    private static String cut(String w, String suffix) {
        return w.substring(0, w.length() - suffix.length());
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) {
            return cut(w, "ies") + "ie";
        }
        if (w.endsWith("sses")) {
            return cut(w, "sses") + "ss";
        }
        if (w.endsWith("ies")) {
            return cut(w, "ies") + "i";
        }
        if (w.endsWith("ss")) {
            return w;
        }
        if (w.endsWith("s")) {
            return cut(w, "s");
        }
        return w;
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) {
            return cut(w, "ied") + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String s = cut(w, "eed");
            return measure(s) > 0 ? s + "ee" : w;
        }
        String s;
        if (w.endsWith("ed") && hasVowel(cut(w, "ed"))) {
            s = cut(w, "ed");
        } else if (w.endsWith("ing") && hasVowel(cut(w, "ing"))) {
            s = cut(w, "ing");
        } else {
            return w;
        }
        if (s.endsWith("at") || s.endsWith("bl") || s.endsWith("iz")) {
            return s + "e";
        }
        if (doubleCons(s)) {
            char last = s.charAt(s.length() - 1);
            return (last == 'l' || last == 's' || last == 'z') ? s : s.substring(0, s.length() - 1);
        }
        if (measure(s) == 1 && cvc(s)) {
            return s + "e";
        }
        return s;
    }

    private static String step1c(String w) {
        int n = w.length();
        if (w.endsWith("y") && n - 1 > 1 && cons(w, n - 2)) {
            return w.substring(0, n - 1) + "i";
        }
        return w;
    }

    private static String step2(String w) {
        if (w.endsWith("alli") && measure(cut(w, "alli")) > 0) {
            return step2(cut(w, "alli") + "al");
        }
        for (String[] rule : STEP2) {
            if (w.endsWith(rule[0])) {
                String stem = cut(w, rule[0]);
                boolean ok = "logi".equals(rule[0]) ? measure(cut(w, "ogi")) > 0 : measure(stem) > 0;
                return ok ? stem + rule[1] : w;
            }
        }
        return w;
    }

    private static String step3(String w) {
        for (String[] rule : STEP3) {
            if (w.endsWith(rule[0])) {
                String stem = cut(w, rule[0]);
                return measure(stem) > 0 ? stem + rule[1] : w;
            }
        }
        return w;
    }

    private static String step4(String w) {
        for (String suffix : STEP4) {
            if (w.endsWith(suffix)) {
                String stem = cut(w, suffix);
                boolean ok = measure(stem) > 1;
                if ("ion".equals(suffix)) {
                    ok = ok && (stem.endsWith("s") || stem.endsWith("t"));
                }
                return ok ? stem : w;
            }
        }
        return w;
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String s = cut(w, "e");
            int m = measure(s);
            if (m > 1 || (m == 1 && !cvc(s))) {
                return s;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        if (w.endsWith("ll") && measure(w.substring(0, w.length() - 1)) > 1) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
