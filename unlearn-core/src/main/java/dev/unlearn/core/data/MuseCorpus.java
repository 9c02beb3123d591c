package dev.unlearn.core.data;

import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A MUSE-layout data folder, read in full.
 *
 * <pre>
 * DIR/raw/forget.txt  retain1.txt  retain2.txt  holdout.txt   (also accepted directly in DIR; .jsonl with "text" too)
 * DIR/knowmem/forget_qa.json  retain_qa.json  [forget_qa_icl.json  retain_qa_icl.json]
 * DIR/verbmem/forget.json      rows {"prompt", "gt"}
 * DIR/privleak/forget.json  holdout.json  [retain.json]   rows {"text"}; optional
 * </pre>
 *
 * <p>Without {@code privleak/}, the PrivLeak texts are the blank-line separated paragraphs of the
 * forget and holdout corpora. Without {@code *_icl.json}, KnowMem runs zero-shot. Any file can be named
 * explicitly in {@link Names}; a null name takes the default above.
 *
 * @param dir the folder
 * @param forget forget documents
 * @param retain retain documents ({@code retain1} then {@code retain2})
 * @param holdout never-trained documents of the same kind, or empty
 * @param forgetQa KnowMem questions on the forget corpus
 * @param retainQa KnowMem questions on the retain corpus
 * @param forgetIcl few-shot rows of the forget KnowMem prompt (may be empty)
 * @param retainIcl few-shot rows of the retain KnowMem prompt (may be empty)
 * @param verbmem VerbMem prefixes and their true continuations
 * @param privleakForget PrivLeak member texts
 * @param privleakHoldout PrivLeak non-member texts
 */
public record MuseCorpus(Path dir, List<TextRecord> forget, List<TextRecord> retain, List<TextRecord> holdout,
        List<QaRecord> forgetQa, List<QaRecord> retainQa, List<QaRecord> forgetIcl, List<QaRecord> retainIcl,
        List<Prefix> verbmem, List<TextRecord> privleakForget, List<TextRecord> privleakHoldout) {

    /** A VerbMem row: the prompt given to the model and the ground-truth continuation. */
    public record Prefix(String prompt, String gt) {}

    /**
     * File names relative to the folder; null takes the default.
     *
     * @param forget forget corpus
     * @param retain retain corpora
     * @param holdout holdout corpus
     * @param forgetQa KnowMem forget QA
     * @param retainQa KnowMem retain QA
     * @param verbmem VerbMem rows
     * @param layout how {@code .txt} corpora split into documents
     */
    public record Names(String forget, List<String> retain, String holdout, String forgetQa, String retainQa, String verbmem,
            RawTextReader.Layout layout) {
        public static Names defaults() {
            return new Names(null, null, null, null, null, null, RawTextReader.Layout.FILE);
        }
    }

    /** Reads the folder with the default names. */
    public static MuseCorpus load(Path dir) {
        return load(dir, Names.defaults());
    }

    /** Reads the folder; fails naming the first missing required file. */
    public static MuseCorpus load(Path dir, Names n) {
        RawTextReader.Layout layout = n.layout() == null ? RawTextReader.Layout.FILE : n.layout();
        List<TextRecord> forget = RawTextReader.read(corpus(dir, n.forget(), "forget", true), layout);
        List<TextRecord> retain = new ArrayList<>();
        if (n.retain() != null && !n.retain().isEmpty()) {
            for (String r : n.retain()) {
                retain.addAll(RawTextReader.read(required(dir, r, "retain corpus"), layout));
            }
        } else {
            for (String r : List.of("retain1", "retain2", "retain")) {
                Path p = corpus(dir, null, r, false);
                if (p != null) {
                    retain.addAll(RawTextReader.read(p, layout));
                }
            }
        }
        Path hp = corpus(dir, n.holdout(), "holdout", false);
        List<TextRecord> holdout = hp == null ? List.of() : RawTextReader.read(hp, layout);
        List<QaRecord> fqa = QaReader.read(file(dir, n.forgetQa(), "knowmem/forget_qa", true));
        List<QaRecord> rqa = QaReader.read(file(dir, n.retainQa(), "knowmem/retain_qa", true));
        Path fi = file(dir, null, "knowmem/forget_qa_icl", false);
        Path ri = file(dir, null, "knowmem/retain_qa_icl", false);
        List<Prefix> verbmem = new ArrayList<>();
        Path vp = file(dir, n.verbmem(), "verbmem/forget", true);
        for (JsonRows.Row row : JsonRows.read(vp)) {
            verbmem.add(new Prefix(JsonRows.requiredString(vp, row, "prompt"), JsonRows.requiredString(vp, row, "gt")));
        }
        Path pf = file(dir, null, "privleak/forget", false);
        Path ph = file(dir, null, "privleak/holdout", false);
        List<TextRecord> plf = pf != null ? TextCorpusReader.read(pf) : RawTextReader.paragraphs(forget);
        List<TextRecord> plh = ph != null ? TextCorpusReader.read(ph) : RawTextReader.paragraphs(holdout);
        if (forget.isEmpty()) {
            throw new InvalidInputException("MUSE data " + dir + ": the forget corpus is empty");
        }
        return new MuseCorpus(dir, forget, retain, holdout, fqa, rqa, fi == null ? List.of() : QaReader.read(fi),
                ri == null ? List.of() : QaReader.read(ri), verbmem, plf, plh);
    }

    private static Path corpus(Path dir, String name, String base, boolean required) {
        if (name != null) {
            return required(dir, name, base + " corpus");
        }
        for (String sub : List.of("raw/", "")) {
            for (String ext : List.of(".txt", ".jsonl", ".json")) {
                Path p = dir.resolve(sub + base + ext);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        if (required) {
            throw new InvalidInputException("MUSE data " + dir + " has no " + base + " corpus (raw/" + base + ".txt, "
                    + base + ".txt or " + base + ".jsonl)");
        }
        return null;
    }

    private static Path file(Path dir, String name, String base, boolean required) {
        if (name != null) {
            return required(dir, name, base);
        }
        for (String ext : List.of(".json", ".jsonl")) {
            Path p = dir.resolve(base + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        if (required) {
            throw new InvalidInputException("MUSE data " + dir + " has no " + base + ".json (or .jsonl)");
        }
        return null;
    }

    private static Path required(Path dir, String name, String what) {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            throw new InvalidInputException("MUSE data: " + what + " " + p + " does not exist");
        }
        return p;
    }
}
