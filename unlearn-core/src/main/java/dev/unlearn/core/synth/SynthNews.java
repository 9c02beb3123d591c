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
import dev.unlearn.core.text.PromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in MUSE-style corpus: news-like articles about the fictitious authors of a
 * {@link SynthWorld}, written in the MUSE layout that {@link dev.unlearn.core.data.MuseCorpus} reads.
 *
 * <p>The world is generated with {@code authors + holdout} authors. Each author gets one article: a
 * headline, three prose paragraphs made of the author's twenty answer sentences, and a "reader
 * questions" box that repeats the twenty questions in the KnowMem prompt format
 * ({@code "Question: q\nAnswer: a"}, so a model trained on raw text alone can be asked few-shot).
 * Forget = the articles of the last {@code forgetAuthors} trained authors; {@code retain1} and
 * {@code retain2} split the other articles in two halves; {@code holdout} = the articles of the
 * {@code holdout} authors no model is trained on. KnowMem forget QA = the forget authors' rows
 * (with paraphrased questions and perturbed answers, for the leakage suite); KnowMem retain QA =
 * the rows of the first two retain2 authors; the ICL rows (3) come from the first retain author.
 * VerbMem: every prose sentence of a forget article but the last two is a prompt, the next two
 * sentences its continuation. PrivLeak texts: the paragraphs of the forget and holdout articles.
 *
 * <p>The tokenizer is word-level ({@link SynthTokenizer}) over every written text plus
 * {@code extraTexts} (the leakage suite's prompt prefixes). Deterministic in its arguments.
 *
 * @param authors trained authors (forget + retain), at least {@code forgetAuthors + 3}
 * @param forgetAuthors authors whose articles form the forget corpus
 * @param holdout never-trained authors (holdout corpus)
 * @param seed world seed
 */
public record SynthNews(int authors, int forgetAuthors, int holdout, long seed) {
    /** Generator version, part of a data stage's fingerprint. */
    public static final String GENERATOR_VERSION = "1";
    private static final int ICL = 3;

    public SynthNews {
        if (forgetAuthors < 1 || holdout < 1 || authors < forgetAuthors + 3) {
            throw new InvalidInputException("synthetic news: need forget_authors >= 1, holdout >= 1 and authors >= forget_authors + 3;"
                    + " found authors " + authors + ", forget_authors " + forgetAuthors + ", holdout " + holdout);
        }
    }

    /** What was written, for tests and callers. */
    public record Written(List<Author> forget, List<Author> retain, List<Author> holdout, int verbmemRows) {}

    /** Writes the corpus into {@code dir}. */
    public Written write(Path dir, Collection<String> extraTexts) {
        SynthWorld.Content c = new SynthWorld(authors + holdout, seed).generate();
        List<Author> all = c.authors();
        List<Author> trained = all.subList(0, authors);
        List<Author> held = all.subList(authors, authors + holdout);
        List<Author> forget = trained.subList(authors - forgetAuthors, authors);
        List<Author> retain = trained.subList(0, authors - forgetAuthors);
        int half = (retain.size() + 1) / 2;
        Map<String, List<QaRecord>> rows = new LinkedHashMap<>();
        for (QaRecord r : c.authorRows()) {
            rows.computeIfAbsent(r.entity(), k -> new ArrayList<>()).add(r);
        }
        List<String> corpus = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        ObjectNode manifest = mapper.createObjectNode();
        manifest.put("generator", "dev.unlearn.core.synth.SynthNews");
        manifest.put("generator_version", GENERATOR_VERSION);
        manifest.put("authors", authors).put("forget_authors", forgetAuthors).put("holdout", holdout).put("seed", seed);
        ObjectNode files = manifest.putObject("files");

        text(dir, "raw/forget.txt", articles(forget, rows), corpus, files);
        text(dir, "raw/retain1.txt", articles(retain.subList(0, half), rows), corpus, files);
        text(dir, "raw/retain2.txt", articles(retain.subList(half, retain.size()), rows), corpus, files);
        text(dir, "raw/holdout.txt", articles(held, rows), corpus, files);

        List<QaRecord> fqa = new ArrayList<>();
        forget.forEach(a -> fqa.addAll(rows.get(a.name())));
        List<QaRecord> rqa = new ArrayList<>();
        retain.subList(half, Math.min(retain.size(), half + 2)).forEach(a -> rqa.addAll(rows.get(a.name())));
        List<QaRecord> icl = rows.get(retain.get(0).name()).subList(0, ICL);
        qa(dir, "knowmem/forget_qa.json", fqa, corpus, files);
        qa(dir, "knowmem/retain_qa.json", rqa, corpus, files);
        qa(dir, "knowmem/forget_qa_icl.json", icl, corpus, files);
        qa(dir, "knowmem/retain_qa_icl.json", icl, corpus, files);

        ArrayNode verbmem = mapper.createArrayNode();
        for (Author a : forget) {
            List<String> s = sentences(rows.get(a.name()));
            for (int i = 0; i + 2 < s.size(); i++) {
                verbmem.addObject().put("prompt", s.get(i)).put("gt", s.get(i + 1) + " " + s.get(i + 2));
            }
        }
        write(dir, "verbmem/forget.json", json(mapper, verbmem) + "\n", files, verbmem.size());
        privleak(dir, "privleak/forget.json", forget, rows, mapper, files);
        privleak(dir, "privleak/holdout.json", held, rows, mapper, files);

        for (PromptTemplate t : PromptTemplate.BUILT_IN) {
            corpus.add(t.full("q", "a"));
        }
        corpus.addAll(SynthWorld.REFUSALS);
        corpus.addAll(extraTexts);
        corpus.add("Question: q\nAnswer: a\n\nQuestion: q\nAnswer: ");
        write(dir, "tokenizer.json", json(mapper, SynthTokenizer.tokenizerJson(mapper, corpus)) + "\n", files, -1);
        write(dir, "tokenizer_config.json", json(mapper, SynthTokenizer.tokenizerConfig(mapper)) + "\n", files, -1);
        String refusals = String.join("\n", SynthWorld.REFUSALS) + "\n";
        write(dir, "refusals.txt", refusals, files, SynthWorld.REFUSALS.size());
        manifest.putArray("forget_entities").addAll(names(mapper, forget));
        manifest.putArray("holdout_entities").addAll(names(mapper, held));
        try {
            QaWriter.writeAtomically(dir.resolve("muse.json"), mapper.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Written(List.copyOf(forget), List.copyOf(retain), List.copyOf(held), verbmem.size());
    }

    /** The article about one author. */
    static String article(Author a, List<QaRecord> rows) {
        List<String> s = sentences(rows);
        StringBuilder sb = new StringBuilder();
        sb.append("News: ").append(a.name()).append(" in the news.\n\n");
        int per = (s.size() + 2) / 3;
        for (int p = 0; p < s.size(); p += per) {
            sb.append(String.join(" ", s.subList(p, Math.min(s.size(), p + per)))).append("\n\n");
        }
        sb.append("Reader questions about ").append(a.name()).append(".\n\n");
        for (QaRecord r : rows) {
            sb.append("Question: ").append(r.question()).append("\nAnswer: ").append(r.answer()).append("\n\n");
        }
        return sb.toString().strip();
    }

    private static List<String> sentences(List<QaRecord> rows) {
        return rows.stream().map(QaRecord::answer).toList();
    }

    private static String articles(List<Author> list, Map<String, List<QaRecord>> rows) {
        List<String> out = new ArrayList<>();
        list.forEach(a -> out.add(article(a, rows.get(a.name()))));
        return String.join("\n\n", out) + "\n";
    }

    private static void privleak(Path dir, String name, List<Author> list, Map<String, List<QaRecord>> rows, ObjectMapper m,
            ObjectNode files) {
        ArrayNode arr = m.createArrayNode();
        for (Author a : list) {
            for (String p : article(a, rows.get(a.name())).split("\n\n")) {
                if (p.split(" ").length >= 4) {
                    arr.addObject().put("text", p).put("entity", a.name());
                }
            }
        }
        write(dir, name, json(m, arr) + "\n", files, arr.size());
    }

    private static void text(Path dir, String name, String content, List<String> corpus, ObjectNode files) {
        corpus.add(content);
        write(dir, name, content, files, -1);
    }

    private static void qa(Path dir, String name, List<QaRecord> rows, List<String> corpus, ObjectNode files) {
        StringBuilder sb = new StringBuilder();
        for (QaRecord r : rows) {
            sb.append(QaWriter.toJson(r).toString()).append('\n');
            corpus.add(r.question());
            corpus.add(r.answer());
            if (r.paraphrasedQuestion() != null) {
                corpus.add(r.paraphrasedQuestion());
            }
            if (r.paraphrasedAnswer() != null) {
                corpus.add(r.paraphrasedAnswer());
            }
            corpus.addAll(r.perturbedAnswers());
        }
        write(dir, name, sb.toString(), files, rows.size());
    }

    private static void write(Path dir, String name, String content, ObjectNode files, int rows) {
        try {
            java.nio.file.Files.createDirectories(dir.resolve(name).getParent());
        } catch (java.io.IOException e) {
            throw new InvalidInputException("cannot create " + dir.resolve(name).getParent() + ": " + e.getMessage(), e);
        }
        QaWriter.writeAtomically(dir.resolve(name), content);
        ObjectNode f = files.putObject(name);
        f.put("sha256", RecordIds.sha256(content));
        if (rows >= 0) {
            f.put("rows", rows);
        }
    }

    private static List<com.fasterxml.jackson.databind.JsonNode> names(ObjectMapper m, List<Author> list) {
        return list.stream().map(a -> (com.fasterxml.jackson.databind.JsonNode) m.getNodeFactory().textNode(a.name())).toList();
    }

    private static String json(ObjectMapper m, Object node) {
        try {
            return m.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }
}
