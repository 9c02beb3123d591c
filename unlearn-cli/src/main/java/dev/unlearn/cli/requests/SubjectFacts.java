package dev.unlearn.cli.requests;

import dev.unlearn.core.data.QaRecord;
import dev.unlearn.eval.rouge.RougeTokenizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The facts of a subject that an extraction check looks for in generated text: for each forget
 * record, the words of its answer that are distinctive of the subject, i.e. not in its question, not
 * in any retain answer, not a stop word, and at least three characters (ROUGE tokenisation, no
 * stemming). "Sefton Quarry was born in Brightwater." gives {@code brightwater} when the question
 * names the subject; a generic answer word such as {@code novels} is not a fact because retained
 * authors' answers use it too. Records with no distinctive word are not counted.
 */
public final class SubjectFacts {
    static final Set<String> STOP = Set.of("the", "and", "was", "were", "are", "for", "with", "his", "her", "their",
            "this", "that", "from", "has", "have", "had", "who", "what", "which", "when", "where", "author", "born", "into");

    private SubjectFacts() {}

    /** Per forget record (same order), its distinctive fact words. */
    public static List<Set<String>> of(List<QaRecord> forget, List<QaRecord> retain) {
        Set<String> common = new HashSet<>();
        for (QaRecord r : retain) {
            common.addAll(RougeTokenizer.tokenize(r.answer(), false));
        }
        List<Set<String>> out = new ArrayList<>();
        for (QaRecord r : forget) {
            Set<String> q = new HashSet<>(RougeTokenizer.tokenize(r.question(), false));
            Set<String> facts = new LinkedHashSet<>();
            for (String w : RougeTokenizer.tokenize(r.answer(), false)) {
                if (w.length() >= 3 && !STOP.contains(w) && !q.contains(w) && !common.contains(w)) {
                    facts.add(w);
                }
            }
            out.add(facts);
        }
        return out;
    }

    /** Whether {@code text} contains any of {@code facts} as a word. */
    public static boolean leaks(String text, Set<String> facts) {
        if (facts.isEmpty()) {
            return false;
        }
        for (String w : RougeTokenizer.tokenize(text, false)) {
            if (facts.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
