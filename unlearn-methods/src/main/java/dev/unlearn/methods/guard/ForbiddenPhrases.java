package dev.unlearn.methods.guard;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Forbidden phrases of one forget sample (methods.md §9.2 step 2) [OURS]: answer words (whitespace
 * split, punctuation stripped) that are content words and, with {@code exclude_prompt_words}, do not
 * occur in the question. Numbers and capitalised words are always content words; others are content
 * unless they are stop words. Each maximal run of content words is a phrase, and so is each word.
 * {@link #surfaceVariants} gives the four spellings to tokenise (leading space or not, first letter
 * upper or lower case).
 */
public final class ForbiddenPhrases {
    /** A small English stop-word list (function words only). */
    public static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "and", "or", "but", "of", "in", "on",
            "at", "to", "for", "from", "by", "with", "as", "is", "was", "were", "are", "be", "been", "being", "has",
            "have", "had", "do", "does", "did", "he", "she", "it", "they", "his", "her", "its", "their", "this",
            "that", "these", "those", "who", "whom", "which", "what", "when", "where", "why", "how", "not", "no",
            "also", "into", "about", "than", "then", "so", "such", "very", "can", "could", "would", "should", "will",
            "may", "might", "i", "you", "we", "him", "them", "my", "your", "our", "there", "here", "known", "well");

    private ForbiddenPhrases() {}

    /** Phrases of an answer given its question, in order of first appearance, without duplicates. */
    public static List<String> extract(String question, String answer, boolean excludePromptWords) {
        Set<String> promptWords = new java.util.HashSet<>();
        if (excludePromptWords) {
            for (String w : words(question)) {
                promptWords.add(w.toLowerCase(Locale.ROOT));
            }
        }
        Set<String> phrases = new LinkedHashSet<>();
        List<String> run = new ArrayList<>();
        for (String w : words(answer)) {
            boolean content = isContent(w) && !promptWords.contains(w.toLowerCase(Locale.ROOT));
            if (content) {
                run.add(w);
                phrases.add(w);
            } else {
                flush(run, phrases);
            }
        }
        flush(run, phrases);
        return List.copyOf(phrases);
    }

    /** The four surface forms to tokenise: with and without a leading space, first letter upper and lower. */
    public static List<String> surfaceVariants(String phrase) {
        Set<String> out = new LinkedHashSet<>();
        String up = phrase.substring(0, 1).toUpperCase(Locale.ROOT) + phrase.substring(1);
        String low = phrase.substring(0, 1).toLowerCase(Locale.ROOT) + phrase.substring(1);
        for (String p : List.of(phrase, up, low)) {
            out.add(p);
            out.add(" " + p);
        }
        return List.copyOf(out);
    }

    private static void flush(List<String> run, Set<String> phrases) {
        if (run.size() > 1) {
            phrases.add(String.join(" ", run));
        }
        run.clear();
    }

    private static boolean isContent(String w) {
        if (w.chars().anyMatch(Character::isDigit) || Character.isUpperCase(w.charAt(0))) {
            return true;
        }
        return !STOP_WORDS.contains(w.toLowerCase(Locale.ROOT));
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String raw : text.trim().split("\\s+")) {
            String w = raw.replaceAll("^[\\p{Punct}]+|[\\p{Punct}]+$", "");
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
