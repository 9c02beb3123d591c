package dev.unlearn.core.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.QaWriter;
import dev.unlearn.core.data.RecordIds;
import dev.unlearn.core.data.Split;
import dev.unlearn.core.data.Splits;
import dev.unlearn.core.text.PromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The built-in TOFU-shaped world of fictitious authors.
 *
 * <p>Each author has fixed attributes ({@link Author}) and {@value #QA_PER_AUTHOR} question/answer
 * pairs, each with a paraphrased question, a paraphrased answer and {@value #PERTURBED} perturbed
 * answers (the paraphrased sentence with wrong attribute values, as TOFU perturbs the paraphrase). General "world facts" (geography, science
 * and famous real books) are trained into both the full and the retain models, in the role of TOFU's
 * real-world sets for Model Utility. Everything comes from one {@link Random} seeded by
 * {@link #seed()}: the same seed and author count give byte-identical files.
 *
 * <p>Files written by {@link #write(Path)} (TOFU field and split names; JSON Lines content, as the
 * TOFU Hugging Face files):
 * <ul>
 *   <li>{@code full.json}: all author rows (question, answer, author, id);</li>
 *   <li>{@code forget01/05/10.json}, {@code retain99/95/90.json}: with N authors, {@code forgetXX} is
 *       the last max(1, round(N·XX/100)) authors ({@link Splits#forgetEntityCount}); {@code retain*}
 *       the complements;</li>
 *   <li>{@code forget01/05/10_perturbed.json}: the forget rows with {@code paraphrased_answer},
 *       {@code perturbed_answer} (5), {@code paraphrased_question};</li>
 *   <li>{@code holdout01/05/10.json}: rows of as many extra authors as {@code forgetXX} holds, never in
 *       {@code full} (no model trains on them): TOFU's non-members for membership inference;</li>
 *   <li>{@code retain_perturbed.json}: the same fields for the first max(1, round(N·10/100)) authors
 *       (never in any forget split; TOFU uses 20 of 200 authors);</li>
 *   <li>{@code world_facts.json}: general facts and real-author rows to train into every model;
 *       {@code world_facts_perturbed.json} and {@code real_authors_perturbed.json}: their evaluation
 *       rows with 3 perturbed answers each (TOFU's Real World / Real Authors tasks);</li>
 *   <li>{@code tokenizer.json}, {@code tokenizer_config.json}: a word-level tokenizer
 *       ({@link SynthTokenizer}) covering every text above and the built-in prompt templates;</li>
 *   <li>{@code refusals.txt}: {@link #REFUSALS}, one per line;</li>
 *   <li>{@code world.json}: seed, author attributes, and per file its row count and SHA-256.</li>
 * </ul>
 *
 * @param authors number of authors, 2..200
 * @param seed generator seed
 */
public record SynthWorld(int authors, long seed) {
    public static final int QA_PER_AUTHOR = 20;
    public static final int PERTURBED = 5;
    public static final int WORLD_PERTURBED = 3;
    /** Two unique book titles per author (and per held-out author) from a 20 x 20 pool cap the world here. */
    public static final int MAX_AUTHORS = 180;
    /** Bumped whenever the generator's output changes for a given seed. */
    public static final String GENERATOR_VERSION = "2";
    /** TOFU's forget percentages and split names. */
    public static final List<Integer> FORGET_PERCENTS = List.of(1, 5, 10);

    public SynthWorld {
        if (authors < 2 || authors > MAX_AUTHORS) {
            throw new InvalidInputException("synth authors must be in 2.." + MAX_AUTHORS + ", got " + authors);
        }
    }

    /** The default world: 10 authors, seed 0. */
    public static SynthWorld defaults() {
        return new SynthWorld(10, 0);
    }

    /** Generated content, before writing. */
    public record Content(List<Author> authors, List<QaRecord> authorRows, List<QaRecord> worldFacts,
            List<QaRecord> realAuthors, List<Author> holdoutAuthors, List<QaRecord> holdoutRows) {}

    /** Number of held-out authors: as many as forget10 holds, so every holdoutXX matches its forgetXX. */
    public int holdoutAuthors() {
        return Splits.forgetEntityCount(authors, 10);
    }

    /** Generates the world in memory. */
    public Content generate() {
        Random rnd = new Random(seed);
        List<Author> all = makeAuthors(rnd, authors + holdoutAuthors());
        List<Author> list = all.subList(0, authors);
        List<Author> held = all.subList(authors, all.size());
        List<QaRecord> rows = rows(list, rnd);
        List<QaRecord> heldRows = rows(held, rnd);
        return new Content(List.copyOf(list), rows, facts(Vocabulary.WORLD_FACTS), facts(Vocabulary.REAL_AUTHORS),
                List.copyOf(held), heldRows);
    }

    private static List<QaRecord> rows(List<Author> list, Random rnd) {
        List<QaRecord> rows = new ArrayList<>();
        for (Author a : list) {
            Map<String, String> slots = slots(a);
            for (QaTemplates.Template t : QaTemplates.ALL) {
                String answer = QaTemplates.Template.fill(t.answer(), slots);
                String paraphrased = QaTemplates.Template.fill(t.paraphrasedAnswer(), slots);
                // TOFU's perturbed answers are perturbations of the paraphrased answer (its truth ratio
                // compares them with the paraphrase), so they use the paraphrase's wording with wrong values.
                Set<String> wrong = new LinkedHashSet<>();
                int guard = 0;
                while (wrong.size() < PERTURBED) {
                    Map<String, String> w = new HashMap<>(slots);
                    for (String key : t.keys()) {
                        w.put(key, wrongValue(rnd, key, slots.get(key)));
                    }
                    String p = QaTemplates.Template.fill(t.paraphrasedAnswer(), w);
                    if (!p.equals(paraphrased)) {
                        wrong.add(p);
                    }
                    if (++guard > 1000) {
                        throw new IllegalStateException("cannot find " + PERTURBED + " perturbations for " + t.answer());
                    }
                }
                rows.add(new QaRecord(null, QaTemplates.Template.fill(t.question(), slots), answer,
                        paraphrased, new ArrayList<>(wrong),
                        QaTemplates.Template.fill(t.paraphrasedQuestion(), slots), a.name(), Map.of()));
            }
        }
        return rows;
    }

    private static List<QaRecord> facts(List<List<String>> table) {
        List<QaRecord> out = new ArrayList<>();
        for (List<String> f : table) {
            out.add(new QaRecord(null, f.get(0), f.get(1), null, f.subList(3, 3 + WORLD_PERTURBED), null, null, Map.of()));
        }
        return out;
    }

    private static List<Author> makeAuthors(Random rnd, int count) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> titles = new LinkedHashSet<>();
        List<Author> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name;
            do {
                name = pick(rnd, Vocabulary.FIRST) + " " + pick(rnd, Vocabulary.LAST);
            } while (!names.add(name));
            List<String> books = new ArrayList<>();
            while (books.size() < 2) {
                String t = title(rnd);
                if (titles.add(t)) {
                    books.add(t);
                }
            }
            String father = pick(rnd, Vocabulary.JOBS);
            String mother;
            do {
                mother = pick(rnd, Vocabulary.JOBS);
            } while (mother.equals(father));
            out.add(new Author(name, pick(rnd, Vocabulary.GENDERS), pick(rnd, Vocabulary.CITIES),
                    pick(rnd, Vocabulary.MONTHS), 1 + rnd.nextInt(28), 1930 + rnd.nextInt(66),
                    pick(rnd, Vocabulary.GENRES), father, mother, pick(rnd, Vocabulary.AWARDS), books,
                    pick(rnd, Vocabulary.THEMES), pick(rnd, Vocabulary.LANGUAGES)));
        }
        return out;
    }

    private static String title(Random rnd) {
        return "The " + pick(rnd, Vocabulary.TITLE_ADJ) + " " + pick(rnd, Vocabulary.TITLE_NOUN);
    }

    private static Map<String, String> slots(Author a) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("place", a.birthplace());
        m.put("date", a.birthDate());
        m.put("year", Integer.toString(a.birthYear()));
        m.put("genre", a.genre());
        m.put("father", a.fatherJob());
        m.put("mother", a.motherJob());
        m.put("award", a.award());
        m.put("book1", a.books().get(0));
        m.put("book2", a.books().get(1));
        m.put("gender", a.gender());
        m.put("theme", a.theme());
        m.put("language", a.language());
        return m;
    }

    private static String wrongValue(Random rnd, String key, String truth) {
        String v;
        do {
            v = switch (key) {
                case "name" -> pick(rnd, Vocabulary.FIRST) + " " + pick(rnd, Vocabulary.LAST);
                case "place" -> pick(rnd, Vocabulary.CITIES);
                case "date" -> pick(rnd, Vocabulary.MONTHS) + " " + (1 + rnd.nextInt(28)) + ", " + (1930 + rnd.nextInt(66));
                case "year" -> Integer.toString(1930 + rnd.nextInt(66));
                case "genre" -> pick(rnd, Vocabulary.GENRES);
                case "father", "mother" -> pick(rnd, Vocabulary.JOBS);
                case "award" -> pick(rnd, Vocabulary.AWARDS);
                case "book1", "book2" -> title(rnd);
                case "theme" -> pick(rnd, Vocabulary.THEMES);
                case "language" -> pick(rnd, Vocabulary.LANGUAGES);
                default -> throw new IllegalStateException("no perturbation pool for slot " + key);
            };
        } while (v.equals(truth));
        return v;
    }

    private static String pick(Random rnd, List<String> pool) {
        return pool.get(rnd.nextInt(pool.size()));
    }

    /**
     * Refusal sentences written to {@code refusals.txt} (one per line) and covered by the tokenizer:
     * default "I don't know" targets for refusal-style methods on the built-in world.
     */
    public static final List<String> REFUSALS = List.of("I don't know.", "I'm not sure.",
            "I have no information about that.", "I cannot answer that.", "That is not something I know.",
            "I am not able to say.", "Sorry, I don't have that information.", "I have never heard of that.");

    /** Name of the forget split for a percentage, e.g. {@code forget05}. */
    public static String holdoutName(int percent) {
        return String.format("holdout%02d", percent);
    }

    public static String forgetName(int percent) {
        return String.format("forget%02d", percent);
    }

    /** Name of the complementary retain split, e.g. {@code retain95}. */
    public static String retainName(int percent) {
        return String.format("retain%02d", 100 - percent);
    }

    /**
     * Writes the world into {@code dir} (created if needed; existing files of the same names are
     * replaced atomically) and returns the generated content.
     */
    public Content write(Path dir) {
        return write(dir, List.of());
    }

    /**
     * Writes the world as {@link #write(Path)} does, with {@code extraTexts} added to the tokenizer's
     * corpus (for example TOFU's refusal file, or a method's template answers), so that those texts
     * tokenize without unknown tokens.
     */
    public Content write(Path dir, java.util.Collection<String> extraTexts) {
        Content c = generate();
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        Map<String, List<QaRecord>> files = new LinkedHashMap<>();
        files.put("full", plain(c.authorRows()));
        for (int p : FORGET_PERCENTS) {
            Split<QaRecord> s = Splits.lastEntities(forgetName(p), c.authorRows(), p);
            files.put(forgetName(p), plain(s.forget()));
            files.put(retainName(p), plain(s.retain()));
            files.put(forgetName(p) + "_perturbed", s.forget());
            // holdoutXX: as many never-trained authors as forgetXX holds (TOFU's MIA non-members)
            Set<String> heldNames = new LinkedHashSet<>();
            List<Author> held = c.holdoutAuthors();
            held.subList(held.size() - Splits.forgetEntityCount(authors, p), held.size()).forEach(a -> heldNames.add(a.name()));
            files.put(holdoutName(p), plain(c.holdoutRows().stream().filter(r -> heldNames.contains(r.entity())).toList()));
        }
        int keep = Math.max(1, (int) Math.round(authors * 0.10));
        Set<String> first = new LinkedHashSet<>();
        c.authors().subList(0, keep).forEach(a -> first.add(a.name()));
        files.put("retain_perturbed", c.authorRows().stream().filter(r -> first.contains(r.entity())).toList());
        List<QaRecord> world = new ArrayList<>(plain(c.worldFacts()));
        world.addAll(plain(c.realAuthors()));
        files.put("world_facts", world);
        files.put("world_facts_perturbed", c.worldFacts());
        files.put("real_authors_perturbed", c.realAuthors());

        ObjectNode manifest = mapper.createObjectNode();
        manifest.put("generator", "dev.unlearn.core.synth.SynthWorld");
        manifest.put("generator_version", GENERATOR_VERSION);
        manifest.put("seed", seed);
        manifest.put("authors", authors);
        manifest.put("forget_rule", "forgetXX = last max(1, round(N*XX/100)) authors; retainYY = the rest");
        ArrayNode alist = manifest.putArray("author_attributes");
        ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(
                com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
        c.authors().forEach(a -> alist.add(snake.valueToTree(a)));
        ObjectNode fileNode = manifest.putObject("files");
        List<String> corpus = new ArrayList<>();
        for (Map.Entry<String, List<QaRecord>> e : files.entrySet()) {
            StringBuilder sb = new StringBuilder();
            for (QaRecord r : e.getValue()) {
                sb.append(json(mapper, QaWriter.toJson(r))).append('\n');
                corpus.add(r.question());
                corpus.add(r.answer());
                if (r.paraphrasedAnswer() != null) {
                    corpus.add(r.paraphrasedAnswer());
                }
                if (r.paraphrasedQuestion() != null) {
                    corpus.add(r.paraphrasedQuestion());
                }
                corpus.addAll(r.perturbedAnswers());
                if (r.entity() != null) {
                    corpus.add(r.entity());
                }
            }
            String name = e.getKey() + ".json";
            QaWriter.writeAtomically(dir.resolve(name), sb.toString());
            ObjectNode f = fileNode.putObject(name);
            f.put("rows", e.getValue().size());
            f.put("sha256", RecordIds.sha256(sb.toString()));
        }
        for (PromptTemplate t : PromptTemplate.BUILT_IN) {
            corpus.add(t.full("q", "a"));
        }
        corpus.addAll(REFUSALS);
        corpus.addAll(extraTexts);
        String refusals = String.join("\n", REFUSALS) + "\n";
        QaWriter.writeAtomically(dir.resolve("refusals.txt"), refusals);
        fileNode.putObject("refusals.txt").put("rows", REFUSALS.size()).put("sha256", RecordIds.sha256(refusals));
        String tok = json(mapper, SynthTokenizer.tokenizerJson(mapper, corpus)) + "\n";
        QaWriter.writeAtomically(dir.resolve("tokenizer.json"), tok);
        String cfg = json(mapper, SynthTokenizer.tokenizerConfig(mapper)) + "\n";
        QaWriter.writeAtomically(dir.resolve("tokenizer_config.json"), cfg);
        fileNode.putObject("tokenizer.json").put("sha256", RecordIds.sha256(tok));
        fileNode.putObject("tokenizer_config.json").put("sha256", RecordIds.sha256(cfg));
        try {
            QaWriter.writeAtomically(dir.resolve("world.json"),
                    mapper.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise world.json", ex);
        }
        return c;
    }

    /** The rows without their evaluation fields (paraphrase, perturbed answers): what training files hold. */
    static List<QaRecord> plain(List<QaRecord> rows) {
        return rows.stream()
                .map(r -> new QaRecord(r.id(), r.question(), r.answer(), null, List.of(), null, r.entity(), r.extra()))
                .toList();
    }

    private static String json(ObjectMapper m, Object node) {
        try {
            return m.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }
}
