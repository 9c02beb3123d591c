package dev.unlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.cli.recipe.Recipe;
import dev.unlearn.cli.recipe.RecipeLoader;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.methods.spi.Methods;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command-line surface: parsing, help and completion only; nothing here loads a model or trains. */
class CliSurfaceTest {
    private static final Path DEMO = Path.of("../recipes/demo.yaml");
    /** Strings that point into the project's internals rather than at anything a user has. */
    private static final List<String> INTERNAL = List.of("§", "[OURS]", "target/", "methods.md", "metrics.md",
            "shared/specs", "θ_0", "η_w");

    private static List<CommandLine> allCommands() {
        List<CommandLine> out = new ArrayList<>();
        collect(Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), out);
        return out;
    }

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().values().forEach(c -> collect(c, out));
    }

    @Test
    void everyOptionValueHasALabelForUsersNotAJavaFieldName() {
        List<String> bad = new ArrayList<>();
        for (CommandLine cl : allCommands()) {
            for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
                // picocli's fallback label is the annotated field's name in angle brackets: <checkpointEvery>
                if (o.arity().max() > 0 && o.paramLabel().matches("<[a-z][A-Za-z0-9]*>")) {
                    bad.add(cl.getCommandSpec().qualifiedName() + " " + o.longestName() + "=" + o.paramLabel());
                }
            }
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void noCommandPrintsUsageOnStderrAndExitsTwo() {
        CliRun r = CliRun.of();
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("Usage: unlearn") && r.err().contains("no command"), r.toString());
        assertEquals("", r.out(), r.toString());
        CliRun group = CliRun.of("request");
        assertEquals(ExitCodes.BAD_INPUT, group.code(), group.toString());
        assertTrue(group.err().contains("submit"), group.toString());
    }

    @Test
    void everyCommandInheritsStacktraceQuietAndVerbose() {
        for (CommandLine cl : allCommands()) {
            for (String name : new String[] {"-x", "--stacktrace", "-q", "--quiet", "-v", "--verbose"}) {
                assertNotNull(cl.getCommandSpec().findOption(name), cl.getCommandSpec().qualifiedName() + " lacks " + name);
            }
        }
        CliRun r = CliRun.of("methods", "-q", "-v", "-x");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        CommandLine cl = Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        cl.parseArgs("request", "verify-log", "audit.jsonl", "-x", "--quiet");
        GlobalOptions g = GlobalOptions.of(cl.getSubcommands().get("request").getSubcommands().get("verify-log").getCommandSpec());
        assertTrue(g.stacktrace && g.quiet && !g.verbose);
    }

    @Test
    void evalTofuTakesARetainModelOrItsLogsNotBoth() {
        CliRun r = CliRun.of("eval", "tofu", "--model", "m", "--data", "d", "--out", "o", "--retain-model", "r",
                "--retain-logs", "l");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("--retain-model") && r.err().contains("--retain-logs")
                && r.err().contains("mutually exclusive"), r.toString());
    }

    @Test
    void stacktraceFlagOnASubcommandPrintsTheTrace(@TempDir Path tmp) {
        CliRun r = CliRun.of("request", "log-head", tmp.resolve("none.jsonl").toString(), "-x");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("\tat "), r.toString());
    }

    @Test
    void helpHasNoInternalReferencesFormatWarningsOrWrappedExamples() {
        PrintStream saved = System.err;
        ByteArrayOutputStream picocliWarnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(picocliWarnings, true, StandardCharsets.UTF_8));
        try {
            for (CommandLine cl : allCommands()) {
                String name = cl.getCommandSpec().qualifiedName();
                String help = cl.getUsageMessage();
                for (String bad : INTERNAL) {
                    assertFalse(help.contains(bad), name + " --help mentions " + bad + ":\n" + help);
                }
                List<String> lines = new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().description()));
                lines.addAll(List.of(cl.getCommandSpec().usageMessage().footer()));
                for (String line : lines) { // prose paragraphs may wrap; an indented example line must not
                    assertTrue(!line.startsWith(" ") || line.length() <= Cli.USAGE_WIDTH, name + ": example wider than "
                            + Cli.USAGE_WIDTH + " columns wraps mid-command: " + line);
                }
            }
        } finally {
            System.setErr(saved);
        }
        assertEquals("", picocliWarnings.toString(StandardCharsets.UTF_8));
    }

    @Test
    void optionValuesInHelpComeFromTheRegistries() {
        String forget = CliRun.of("forget", "--help").out().replaceAll("\\s+", " ");
        for (String m : Methods.names()) {
            assertTrue(java.util.regex.Pattern.compile("[ ,]" + java.util.regex.Pattern.quote(m) + "[,. ]").matcher(forget).find(),
                    "forget --help lacks method " + m);
        }
        for (String cmd : new String[] {"forget", "finetune", "worst-case", "score", "eval tofu", "guard build",
            "request submit"}) {
            String help = CliRun.of((cmd + " --help").split(" ")).out().replaceAll("\\s+", " ");
            for (PromptTemplate t : PromptTemplate.BUILT_IN) {
                assertTrue(help.contains(t.name()), cmd + " --help lacks template " + t.name());
            }
        }
    }

    @Test
    void completionScriptCoversCommandsAndOptions() {
        CliRun r = CliRun.of("completion");
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().substring(0, 100));
        assertTrue(r.out().contains("complete -F") && r.out().contains("bashcompinit"), "no bash/zsh registration");
        for (String s : new String[] {"forget", "worst-case", "--stacktrace", "--quiet", "--set", "npo"}) {
            assertTrue(r.out().contains(s), "completion lacks " + s);
        }
    }

    @Test
    void setOverridesAreValidatedLikeTheFile(@TempDir Path tmp) throws Exception {
        Recipe r = RecipeLoader.load(DEMO, List.of("finetune.epochs=5", "methods.npo.train.lr=4e-3", "methods.0.train.max_steps=2"));
        assertEquals(5, r.finetuneSettings().epochs());
        assertEquals(4e-3, r.methods().stream().filter(m -> m.method().equals("npo")).findFirst().orElseThrow()
                .settings().learningRate());
        assertEquals(2, r.methods().get(0).settings().maxSteps());
        // the spelling validation errors use for a list entry works as a key too
        assertEquals(3, RecipeLoader.load(DEMO, List.of("methods[0].train.max_steps=3")).methods().get(0).settings().maxSteps());

        for (String[] bad : new String[][] {{"finetune.lrr=1", "lrr"}, {"finetune.lr=abc", "finetune.lr"},
            {"eval.max_new_tokens=-1", "eval.max_new_tokens"}, {"methods.nope.train.lr=1", "nope"},
            {"seed", "KEY=VALUE"}, {"finetune.epochs=", "finetune.epochs"},
            {"methods[].train.lr=1", "empty segment"}}) {
            InvalidInputException ex = assertThrows(InvalidInputException.class, () -> RecipeLoader.load(DEMO, List.of(bad[0])),
                    bad[0]);
            assertTrue(ex.getMessage().contains(bad[1]), bad[0] + ": " + ex.getMessage());
        }
        CliRun cli = CliRun.of("run", DEMO.toString(), "--out", tmp.resolve("run").toString(), "--set",
                "eval.max_new_tokens=0");
        assertEquals(ExitCodes.BAD_INPUT, cli.code(), cli.toString());
        assertTrue(cli.err().contains("eval.max_new_tokens") && cli.err().contains("--set eval.max_new_tokens=0"), cli.toString());
        assertFalse(Files.exists(tmp.resolve("run")), "nothing is written for a bad override");
        CliRun only = CliRun.of("run", DEMO.toString(), "--out", tmp.resolve("run").toString(), "--only", "evals");
        assertEquals(ExitCodes.BAD_INPUT, only.code(), only.toString());
        assertTrue(only.err().contains("--only evals: no such stage in this recipe; stages: data, finetune-full"), only.toString());
        assertFalse(Files.exists(tmp.resolve("run")), "nothing is written for an unknown stage");
    }

    @Test
    void progressLinesAreEscapedAndQuietSilencesThem() {
        StringWriter w = new StringWriter();
        try (Ui ui = new Ui(new PrintWriter(w, true), false, false)) {
            ui.info("record %s", "a\u001b[2Jb");
            ui.update("eval\r", 0, 2, "x\u0007");
            ui.update("eval\r", 2, 2, "done");
        }
        String out = w.toString();
        assertFalse(out.contains("\u001b") || out.contains("\u0007") || out.contains("\r"), out);
        assertTrue(out.contains("a\\u001b[2Jb") && out.contains("eval\\u000d") && out.contains("2/2"), out);
        StringWriter q = new StringWriter();
        try (Ui ui = new Ui(new PrintWriter(q, true), true, false)) {
            ui.info("hello");
            ui.update("eval", 1, 1, "");
        }
        assertEquals("", q.toString());
    }
}
