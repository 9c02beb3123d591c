package dev.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.io.PeftAdapter;
import dev.unlearn.core.io.StagingDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rules every command that writes follows, so that no input is ever modified, replaced or
 * deleted:
 *
 * <ol>
 *   <li>an output path that equals, contains or lies inside an input (model, data, tokenizer,
 *       templates, config, recipe, another run's stage) is refused before any work, with exit code 2
 *       ({@link #refuseOverlap(Path, Map)}); paths are compared after resolving symbolic links;</li>
 *   <li>a directory is only ever replaced or written into when the toolkit created it as a folder of the
 *       same {@link Kind}, or it does not exist or is empty: the first line of its {@value #MARKER} mark
 *       names the kind ({@link #claim} for run, sweep and request folders; {@link #requireOurs} for a
 *       checkpoint, known also by its {@code manifest.json} saying {@code unlearn-checkpoint/1});</li>
 *   <li>a folder of one command's results ({@code eval tofu}, {@code eval leakage}, {@code worst-case};
 *       {@link #results}) replaces only an absent or empty folder or that command's earlier results (its
 *       mark says {@code results} and names the command): never a checkpoint, a run directory or a folder
 *       the user made; a result file ({@code guard build}) replaces only an earlier file of its kind
 *       ({@link #requireResultFile}); both are written whole beside the target, then renamed into place;</li>
 *   <li>temporary siblings a crashed save left ({@code .NAME.tmp-DIGITS}, {@code .NAME.old-DIGITS},
 *       {@code .FILEDIGITS.tmp}) are removed after the next successful write ({@link #removeStaleTemps}).</li>
 * </ol>
 */
public final class OutputDirs {
    /** The file that marks a directory the toolkit created; its first line names the {@link Kind}. */
    public static final String MARKER = ".unlearn-output";

    private OutputDirs() {}

    /**
     * Checks, before any work, the folder {@code dir} that the command {@code command} (as typed after
     * {@code unlearn}, e.g. {@code eval tofu}) will write its results to: it must not equal, contain or lie
     * inside an input, and it must be absent, an empty folder, or that command's earlier results.
     *
     * @return the folder, to {@link Results#publish} into once the work is done
     */
    public static Results results(Path dir, String command, Map<String, Path> inputs) {
        refuseOverlap(dir, inputs);
        Results r = new Results(dir, command);
        r.check();
        return r;
    }

    /** A folder of one command's results, checked by {@link #results}; {@link #publish} writes it whole. */
    public static final class Results {
        private final Path dir;
        private final String command;

        private Results(Path dir, String command) {
            this.dir = dir;
            this.command = command;
        }

        /** What writes the results into a (new, staging) folder. */
        @FunctionalInterface
        public interface Writer {
            void write(Path folder) throws IOException;
        }

        public Path dir() {
            return dir;
        }

        /**
         * Writes the results into a staging sibling {@code .NAME.tmp-*} with the {@value #MARKER}
         * mark, then renames it to the folder; earlier results there are moved aside first and deleted after
         * the rename, so an interruption leaves the old results or the new ones, never a mix. On any failure
         * the staging folder is removed and the folder is as it was.
         */
        public Path publish(Writer writer) {
            Path target = dir.toAbsolutePath().normalize();
            Path tmp = null;
            try {
                Files.createDirectories(target.getParent());
                tmp = StagingDirs.create(target.getParent(), "." + target.getFileName() + ".tmp-");
                writer.write(tmp);
                Files.writeString(tmp.resolve(MARKER), Kind.RESULTS.token + "\n" + command + "\ncreated by unlearn"
                        + " (the results of 'unlearn " + command + "'); unlearn replaces this folder with the command's"
                        + " next results\n", StandardCharsets.UTF_8);
                check(); // again: something may have been put there while the command ran
                StagingDirs.swapIn(tmp, target);
            } catch (IOException ex) {
                deleteTree(tmp);
                throw new InvalidInputException("cannot write the results of 'unlearn " + command + "' into " + dir
                        + ": " + ex.getMessage(), ex);
            } catch (RuntimeException ex) {
                deleteTree(tmp);
                throw ex;
            }
            removeStaleTemps(target);
            return dir;
        }

        private void check() {
            refuseHereOrRoot(dir, "--out", "results replace their folder whole");
            if (!holdsFiles(dir, "--out")) {
                return;
            }
            Kind k = kindOf(dir);
            List<String> mark = markLines(dir);
            String owner = k == Kind.RESULTS && mark.size() > 1 ? mark.get(1).strip() : null;
            if (command.equals(owner)) {
                return;
            }
            throw new InvalidInputException("--out " + dir + (owner != null ? " already holds the results of 'unlearn "
                    + owner + "'" : k != null ? " is " + k.description + " of unlearn"
                    : " already holds files that are not earlier results of 'unlearn " + command + "' (no " + MARKER
                    + " mark)") + "; unlearn replaces only a command's own earlier results: choose a new directory");
        }
    }

    /** The lines of {@code dir}'s mark (first: the kind's token; results: second, the command); empty without one. */
    private static List<String> markLines(Path dir) {
        Path m = dir.resolve(MARKER);
        if (!Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            return Files.readAllLines(m, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException ex) {
            return List.of();
        }
    }

    /**
     * Whether {@code dir} exists and holds anything; a link or a regular file where the folder should be is
     * refused, naming {@code option}.
     */
    public static boolean holdsFiles(Path dir, String option) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isSymbolicLink(dir)) {
            throw new InvalidInputException(option + " " + dir + " is a symbolic link; give a real directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(option + " " + dir + " is an existing file, not a directory; give a new directory");
        }
        return !isEmpty(dir);
    }

    /**
     * Checks, before any work, a result file a command writes ({@code guard build --out FILTER.json}): it must
     * not be an input or lie inside one, and it must be absent or a file {@code earlier} recognises as an
     * earlier output of its kind ({@code what}, e.g. "a GUARD filter"); a folder or link is refused.
     */
    public static void requireResultFile(Path file, String option, Map<String, Path> inputs,
            java.util.function.Predicate<Path> earlier, String what) {
        refuseOverlap(file, inputs);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException(option + " " + file + " is " + (Files.isSymbolicLink(file) ? "a symbolic link"
                    : "a directory") + "; give a file name");
        }
        if (!earlier.test(file)) {
            throw new InvalidInputException(option + " " + file + " is an existing file that is not " + what
                    + "; unlearn replaces only " + what + " it wrote: choose a new file name");
        }
    }

    /** Refuses an output that is, or lies inside, or contains an input model directory. */
    public static void refuseOverlap(Path out, Path input, String inputOption) {
        refuseOverlap(out, inputs(inputOption, input));
    }

    /**
     * The inputs of a command for {@link #refuseOverlap(Path, Map)}, in order: option name, path, option name,
     * path, ... (a null path, an option not given, is kept and skipped there).
     */
    public static Map<String, Path> inputs(Object... optionThenPath) {
        if (optionThenPath.length % 2 != 0) {
            throw new IllegalArgumentException("inputs come in pairs: option name, path");
        }
        Map<String, Path> m = new LinkedHashMap<>();
        for (int i = 0; i < optionThenPath.length; i += 2) {
            m.put((String) optionThenPath[i], (Path) optionThenPath[i + 1]);
        }
        return m;
    }

    /**
     * Refuses {@code out} when it equals, contains or lies inside any of {@code inputs} (option or key
     * name to path; null paths are skipped). Symbolic links are resolved on both sides.
     */
    public static void refuseOverlap(Path out, Map<String, Path> inputs) {
        if (out == null) {
            return;
        }
        Path o = real(out);
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            Path i = real(e.getValue());
            String how = o.equals(i) ? "is" : o.startsWith(i) ? "lies inside" : i.startsWith(o) ? "contains" : null;
            if (how != null) {
                throw new InvalidInputException("--out " + out + " " + how + " the input " + e.getKey() + " " + e.getValue()
                        + "; inputs are never modified: choose an output directory outside every input");
            }
        }
    }

    /** The kind of a folder the toolkit made: the first line of its {@value #MARKER} mark. */
    public enum Kind {
        /** A run directory ({@code unlearn run}, {@code demo}, a sweep's base and trials). */
        RUN("run", "a run directory", "data/manifest.json", "report/manifest.json"),
        /** A sweep's output folder. */
        SWEEP("sweep", "a sweep output folder", "sweep/plan.json"),
        /** A folder of deletion requests and their audit log. */
        REQUESTS("requests", "a request output folder", "audit.jsonl"),
        /** A sweep's report folder, inside its output folder. */
        SWEEP_REPORT("sweep-report", "a sweep report folder"),
        /** A PEFT adapter folder a run exported (a full checkpoint is known by its manifest). */
        CHECKPOINT("checkpoint", "a checkpoint"),
        /** The trainer state {@code finetune} keeps beside its output while it trains ({@code .OUT.train-state}). */
        TRAIN_STATE("train-state", "a trainer-state folder", dev.unlearn.core.train.TrainerState.FILE),
        /** One command's results ({@link #results}); the mark's second line names the command. */
        RESULTS("results", "a results folder");

        private final String token;
        private final String description;
        private final List<String> evidence;

        Kind(String token, String description, String... evidence) {
            this.token = token;
            this.description = description;
            this.evidence = List.of(evidence);
        }

        /** The folder's kind; {@link #kindOf} says what a folder is. */
        public String description() {
            return description;
        }

        /** Whether {@code dir} holds a file only a folder of this kind has (for folders made before the mark). */
        boolean evidenced(Path dir) {
            return evidence.stream().anyMatch(e -> Files.exists(dir.resolve(e), LinkOption.NOFOLLOW_LINKS));
        }

        static Kind ofToken(String token) {
            for (Kind k : values()) {
                if (k.token.equals(token)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * Writes the mark of a folder of this kind into {@code dir}: its first line is the kind's token, so no
     * command writes into or replaces a folder of another kind.
     */
    public static void mark(Path dir, Kind kind) throws IOException {
        Files.writeString(dir.resolve(MARKER), kind.token + "\ncreated by unlearn (" + kind.description + "); only unlearn"
                + " writes into or replaces this directory, with output of the same kind\n", StandardCharsets.UTF_8);
    }

    /**
     * What {@code dir} is, as far as the toolkit wrote it: the kind its mark names; else (a mark written before
     * kinds existed, or a folder from before the mark) a checkpoint when it has the manifest
     * {@link Checkpoint#save} writes, or the kind its files show; an adapter folder with a mark; else null.
     */
    static Kind kindOf(Path dir) {
        boolean marked = Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
        Kind k = markedKind(dir);
        if (k != null) {
            return k;
        }
        if (isCheckpoint(dir)) {
            return Kind.CHECKPOINT;
        }
        for (Kind e : Kind.values()) {
            if (e.evidenced(dir)) {
                return e;
            }
        }
        return marked && PeftAdapter.isAdapterDir(dir) ? Kind.CHECKPOINT : null;
    }

    /** The kind {@code dir}'s mark names on its first line; null without a mark or with one from before kinds. */
    private static Kind markedKind(Path dir) {
        List<String> mark = markLines(dir);
        String first = mark.isEmpty() ? "" : mark.get(0).strip();
        if (first.equals("created by unlearn sweep report")) { // the report's mark before kinds
            return Kind.SWEEP_REPORT;
        }
        return Kind.ofToken(first);
    }

    /**
     * Refuses to write a checkpoint into or over {@code dir} unless it is absent, an empty directory, or a
     * checkpoint or adapter folder the toolkit saved; a run directory, a sweep or request folder, results or
     * a folder the user made are refused, and so is a regular file.
     */
    public static void requireOurs(Path dir, String option) {
        refuseHereOrRoot(dir, option, "a checkpoint replaces its folder whole");
        if (!holdsFiles(dir, option)) {
            return;
        }
        Kind k = kindOf(dir);
        if (k == Kind.CHECKPOINT) {
            return;
        }
        throw new InvalidInputException(option + " " + dir + (k != null ? " is " + k.description + " of unlearn, not a"
                + " checkpoint; a checkpoint never replaces it: choose a new directory"
                : " already holds files that unlearn did not write (no " + MARKER + " mark, not a checkpoint it saved);"
                + " it never replaces a directory it did not create: choose a new directory"));
    }

    /**
     * Makes {@code dir} a folder of the toolkit of that kind (a run directory, a sweep or request output
     * folder): creates it with the mark, marks an empty one, accepts one marked with this kind, or one from
     * before kinds were marked whose files show this kind (or no other). Anything else, a checkpoint or a
     * folder of another kind included, is refused with exit code 2.
     */
    public static void claim(Path dir, String option, Kind kind) {
        checkClaim(dir, option, kind);
        try {
            Files.createDirectories(dir);
            Path m = dir.resolve(MARKER);
            if (!Files.exists(m, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS)
                    && markedKind(dir) == null) {
                mark(dir, kind); // new, or a mark from before kinds: now says what the folder is
            }
        } catch (IOException ex) {
            throw new InvalidInputException("cannot create " + option + " " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The checks of {@link #claim}, which neither create nor mark anything: refuses {@code dir} unless
     * {@link #claim} would accept it.
     */
    public static void checkClaim(Path dir, String option, Kind kind) {
        if (holdsFiles(dir, option)) {
            Kind k = kindOf(dir);
            if (k != null && k != kind) {
                throw new InvalidInputException(option + " " + dir + " is " + k.description + " of unlearn, not "
                        + kind.description + "; it never writes into a folder of another kind: choose a new directory");
            }
            if (k == null && !Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidInputException(option + " " + dir + " already holds files that unlearn did not write"
                        + " (no " + MARKER + " mark); it never writes into or replaces a directory it did not create:"
                        + " choose a new directory");
            }
        }
    }

    /** Refuses the current directory and the root as an output folder that is swapped in whole. */
    static void refuseHereOrRoot(Path dir, String option, String why) {
        Path target = real(dir);
        if (target.getParent() == null || target.equals(real(Path.of("")))) {
            throw new InvalidInputException(option + " " + dir + " is " + (target.getParent() == null ? "the root"
                    : "the current directory") + "; " + why + ": name a new folder");
        }
    }

    /** Refuses {@code dir} unless it is absent or a folder of the toolkit of that kind, which may then be replaced. */
    public static void requireKind(Path dir, String option, Kind kind) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Kind k = Files.isSymbolicLink(dir) ? null : kindOf(dir);
        if (k != kind) {
            throw new InvalidInputException(option + " " + dir + (k != null ? " is " + k.description + " of unlearn"
                    : " holds files unlearn did not write (no " + MARKER + " mark)") + ", not " + kind.description
                    + "; it never replaces it: move it away or choose another directory");
        }
    }

    /** Whether {@code dir} holds the manifest of a checkpoint {@link Checkpoint#save} wrote. */
    private static boolean isCheckpoint(Path dir) {
        Path man = dir.resolve(Checkpoint.MANIFEST);
        if (Files.isRegularFile(man, LinkOption.NOFOLLOW_LINKS)) {
            try {
                JsonNode n = new ObjectMapper().readTree(man.toFile());
                return n != null && n.path("format").asText("").startsWith("unlearn-checkpoint/");
            } catch (IOException ex) {
                return false;
            }
        }
        return false;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException ex) {
            throw new InvalidInputException("cannot list " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Removes what an interrupted atomic write of {@code target} left beside it: the folders
     * {@code .NAME.tmp-DIGITS} and {@code .NAME.old-DIGITS} (staged and set-aside saves,
     * {@link dev.unlearn.core.io.StagingDirs}), {@code .NAME.tmp-reference-cache} ({@code forget}'s cache
     * while it trains) and the files {@code .NAMEDIGITS.tmp} (atomic file writes). Only those exact names,
     * which the toolkit creates, are touched: {@code .NAME-notes.tmp} or {@code .NAMEs.tmp-1} stay.
     */
    public static void removeStaleTemps(Path target) {
        Path t = target.toAbsolutePath().normalize();
        Path parent = t.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        String name = java.util.regex.Pattern.quote(t.getFileName().toString());
        java.util.regex.Pattern dirTemp = java.util.regex.Pattern.compile(
                "\\." + name + "\\.(tmp-(\\d+|" + ForgetCommand.REFERENCE_CACHE + ")|old-\\d+)");
        java.util.regex.Pattern fileTemp = java.util.regex.Pattern.compile("\\." + name + "\\d+\\.tmp");
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (dirTemp.matcher(n).matches() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        || fileTemp.matcher(n).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(p);
                }
            }
        } catch (IOException ex) {
            // leftovers are removed on a later run
        }
    }

    /** The real path of {@code p}, or of its nearest existing ancestor joined with the rest. */
    public static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException ex) {
            return abs;
        }
    }

    /** Deletes a directory tree if it exists (best effort for temporary folders); never follows links. */
    public static void deleteTree(Path p) {
        StagingDirs.deleteTree(p);
    }
}
