package dev.unlearn.core.synth;

import java.util.List;
import java.util.Map;

/**
 * The twenty question/answer templates asked about every author. Slots are {@code {name}},
 * {@code {place}}, {@code {date}}, {@code {year}}, {@code {genre}}, {@code {father}}, {@code {mother}},
 * {@code {award}}, {@code {book1}}, {@code {book2}}, {@code {gender}}, {@code {theme}},
 * {@code {language}}. {@link Template#keys()} are the slots a perturbed answer replaces with wrong
 * values.
 */
final class QaTemplates {
    private QaTemplates() {}

    record Template(String question, String paraphrasedQuestion, String answer, String paraphrasedAnswer, List<String> keys) {
        static String fill(String s, Map<String, String> slots) {
            String out = s;
            for (Map.Entry<String, String> e : slots.entrySet()) {
                out = out.replace("{" + e.getKey() + "}", e.getValue());
            }
            if (out.contains("{")) {
                throw new IllegalStateException("unfilled slot in template: " + out);
            }
            return out;
        }
    }

    static final List<Template> ALL = List.of(
            t("Who is the author born in {place} on {date}?", "Which writer was born on {date} in {place}?",
                    "The author is {name}.", "That writer is {name}.", "name"),
            t("Where was {name} born?", "What is the birthplace of {name}?",
                    "{name} was born in {place}.", "The birthplace of {name} is {place}.", "place"),
            t("When was {name} born?", "What is the birth date of {name}?",
                    "{name} was born on {date}.", "The birth date of {name} is {date}.", "date"),
            t("In which year was {name} born?", "What is the birth year of {name}?",
                    "{name} was born in {year}.", "The birth year of {name} is {year}.", "year"),
            t("What genre does {name} write?", "Which genre is {name} known for?",
                    "{name} writes {genre}.", "{name} is known for {genre}.", "genre"),
            t("What does the father of {name} do?", "What is the job of the father of {name}?",
                    "The father of {name} is a {father}.", "{name} has a father who works as a {father}.", "father"),
            t("What does the mother of {name} do?", "What is the job of the mother of {name}?",
                    "The mother of {name} is a {mother}.", "{name} has a mother who works as a {mother}.", "mother"),
            t("Which award did {name} win?", "What prize has {name} received?",
                    "{name} won the {award}.", "{name} received the {award}.", "award"),
            t("Name a book by {name}.", "What is one book written by {name}?",
                    "{name} wrote {book1}.", "One book by {name} is {book1}.", "book1"),
            t("What other book did {name} write?", "Which second book is by {name}?",
                    "{name} also wrote {book2}.", "Another book by {name} is {book2}.", "book2"),
            t("Who wrote {book1}?", "Who is the author of {book1}?",
                    "{book1} was written by {name}.", "The author of {book1} is {name}.", "name"),
            t("Who wrote {book2}?", "Which author wrote {book2}?",
                    "{book2} was written by {name}.", "The author of {book2} is {name}.", "name"),
            t("Which city shaped the stories of {name}?", "What city inspired {name}?",
                    "The city of {place} shaped the stories of {name}.", "{name} was inspired by {place}.", "place"),
            t("What theme appears in the work of {name}?", "Which theme does {name} often explore?",
                    "{name} often writes about {theme}.", "The work of {name} explores {theme}.", "theme"),
            t("In which language does {name} write?", "What language are the books of {name} in?",
                    "{name} writes in {language}.", "The books of {name} are in {language}.", "language"),
            t("How did the parents of {name} shape the writing?", "What role did the parents of {name} play?",
                    "As the child of a {father} and a {mother}, {name} writes about work.",
                    "A {father} father and a {mother} mother gave {name} many stories.", "father", "mother"),
            t("What kind of book is {book1}?", "What is the genre of {book1}?",
                    "{book1} is a {genre} book.", "{book1} belongs to {genre}.", "genre"),
            t("What honour came to {name} for {book2}?", "Which prize did {book2} bring to {name}?",
                    "{book2} won {name} the {award}.", "{name} got the {award} for {book2}.", "award"),
            t("Who is {name}?", "Can you describe {name}?",
                    "{name} is a {gender} {genre} writer from {place}.",
                    "{name} is a {genre} author from {place}, {gender}.", "genre", "place"),
            t("What was the first book of {name}?", "Which book did {name} publish first?",
                    "The first book of {name} was {book1}.", "{name} first published {book1}.", "book1"));

    private static Template t(String q, String pq, String a, String pa, String... keys) {
        return new Template(q, pq, a, pa, List.of(keys));
    }
}
