package dev.unlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The commands that the help texts and the Markdown documents show a user parse as the CLI parses them: a
 * renamed or removed option, a command that moved, or an example that lost a required option fails here, not
 * on the user's shell. Only parsing: nothing here runs a command.
 */
class DocumentedExamplesTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void everyExampleInTheHelpTextsParses() {
        List<String> failures = new ArrayList<>();
        int examples = 0;
        for (CommandLine cl : commands(fresh(), new ArrayList<>())) {
            List<String> lines = new ArrayList<>(List.of(cl.getCommandSpec().usageMessage().description()));
            lines.addAll(List.of(cl.getCommandSpec().usageMessage().footer()));
            // picocli renders %% as %; an example ending in a backslash goes on on the next line
            String text = String.join("\n", lines).replace("\\\n", " ").replace("%%", "%");
            for (String line : text.split("\n")) {
                if (line.startsWith(" ") && line.trim().startsWith("unlearn ")) {
                    examples++;
                    String problem = parseProblem(words(line.trim()));
                    if (problem != null) {
                        failures.add(cl.getCommandSpec().qualifiedName() + " --help: " + line.trim() + "\n    " + problem);
                    }
                }
            }
        }
        assertTrue(examples >= 40, "found only " + examples + " examples; is the scan still reading the help?");
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    /**
     * A command line in a code block must parse whole; one in a synopsis block (one that shows optional parts as
     * {@code [--option X]}) and a fragment in running text ({@code `unlearn forget --set`}) must name only
     * commands and options that exist.
     */
    @Test
    void everyCommandInTheMarkdownDocumentsNamesRealCommandsAndOptions() throws IOException {
        List<String> failures = new ArrayList<>();
        int commands = 0;
        Pattern span = Pattern.compile("`([^`\n]+)`");
        for (Path md : markdown()) {
            List<String> lines = List.of(Files.readString(md).split("\n", -1));
            for (int i = 0; i < lines.size(); i++) {
                String where = ROOT.relativize(md) + ":" + (i + 1);
                if (lines.get(i).trim().startsWith("```")) {
                    int end = i + 1;
                    while (end < lines.size() && !lines.get(end).trim().startsWith("```")) {
                        end++;
                    }
                    List<String> block = lines.subList(i + 1, Math.min(end, lines.size()));
                    boolean synopsis = block.stream().anyMatch(l -> l.contains("[--"));
                    String joined = String.join("\n", block).replace("\\\n", " ");
                    for (String l : joined.split("\n")) {
                        List<String> w = command(l);
                        if (w != null) {
                            commands++;
                            String problem = synopsis ? namesProblem(w) : parseProblem(w);
                            if (problem != null) {
                                failures.add(where + " (code block): " + l.trim() + "\n    " + problem);
                            }
                        }
                    }
                    i = end;
                    continue;
                }
                Matcher m = span.matcher(lines.get(i));
                while (m.find()) {
                    String t = m.group(1).trim();
                    if (t.startsWith("unlearn ") || t.startsWith("bin/unlearn ")) {
                        commands++;
                        String problem = namesProblem(words(t.substring(t.indexOf("unlearn"))));
                        if (problem != null) {
                            failures.add(where + " (inline): " + t + "\n    " + problem);
                        }
                    }
                }
            }
        }
        assertTrue(commands >= 80, "found only " + commands + " commands in the Markdown; is the scan still reading it?");
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    @Test
    void theScanReadsShellLinesAsAShellDoes() {
        assertEquals(List.of("unlearn", "score", "--question", "Where was Ada Quill born?", "--answer", "In Lisbon."),
                words("unlearn score --question 'Where was Ada Quill born?' --answer \"In Lisbon.\" | jq ."));
        assertEquals(List.of("unlearn", "score", "--device", "gpu"), words("unlearn score --device gpu; echo $?"));
        assertEquals(List.of("unlearn", "run", "r.yaml"), words("unlearn run r.yaml   # a comment"));
        assertEquals(List.of("unlearn", "demo"), command("GOMP_SPINCOUNT=1000 bin/unlearn demo > log"));
        assertEquals(null, command("mvn -B test"));
        assertEquals(null, namesProblem(words("unlearn forget --set")), "a fragment in running text");
        assertEquals(null, namesProblem(words("unlearn eval tofu --model DIR [--retain-model DIR] (-x | -q)")));
        assertEquals(null, namesProblem(words("unlearn 0.1.0 (Java 17)")), "not a command: the version it prints");
        assertTrue(namesProblem(words("unlearn forget --no-such-option")).contains("--no-such-option"));
        assertTrue(namesProblem(words("unlearn eval tofo --model m")).contains("tofo"));
        assertTrue(parseProblem(words("unlearn run")) != null, "a whole example must parse whole");
    }

    /** The shell words of {@code line}'s {@code unlearn} command, or null when the line runs no such command. */
    private static List<String> command(String line) {
        List<String> w = words(line.trim().replaceFirst("^\\$\\s+", ""));
        int k = 0;
        while (k < w.size() && w.get(k).matches("[A-Z_][A-Z0-9_]*=.*")) {
            k++; // VAR=value before the command
        }
        if (k < w.size() && (w.get(k).equals("unlearn") || w.get(k).endsWith("bin/unlearn"))) {
            List<String> out = new ArrayList<>(w.subList(k, w.size()));
            out.set(0, "unlearn");
            return out;
        }
        return null;
    }

    /**
     * Which command or option that {@code words} ({@code unlearn} first, a synopsis or a fragment: {@code [--out DIR]},
     * {@code (--a X | --b Y)}, placeholders) names does not exist, or null. Words that do not start a command
     * (the version line {@code unlearn 0.1.0 ...}) name nothing.
     */
    private static String namesProblem(List<String> words) {
        CommandLine cl = fresh();
        int i = 1;
        if (i < words.size() && !words.get(i).startsWith("-") && !cl.getSubcommands().containsKey(words.get(i))) {
            return null;
        }
        for (; i < words.size() && cl.getSubcommands().containsKey(words.get(i)); i++) {
            cl = cl.getSubcommands().get(words.get(i));
        }
        if (i < words.size() && !cl.getSubcommands().isEmpty() && words.get(i).matches("[a-z][a-z-]*")) {
            return "'" + cl.getCommandName() + "' has no subcommand '" + words.get(i) + "'";
        }
        for (; i < words.size(); i++) {
            String w = words.get(i).replaceAll("^[\\[(]+|[\\])]+$|=.*$", "");
            if (w.startsWith("-") && w.length() > 1 && !w.matches("-\\d.*") && cl.getCommandSpec().findOption(w) == null) {
                return "'" + cl.getCommandSpec().qualifiedName() + "' has no option " + w;
            }
        }
        return null;
    }

    /** Why {@code words} ({@code unlearn} first) does not parse whole, or null. */
    private static String parseProblem(List<String> words) {
        try {
            fresh().parseArgs(words.subList(1, words.size()).toArray(new String[0]));
            return null;
        } catch (CommandLine.ParameterException ex) {
            return ex.getMessage();
        }
    }

    /** Shell words up to the first unquoted operator ({@code | & ; < > )}) or comment. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (quote == '"' && c == '\\' && i + 1 < s.length()) {
                    w.append(s.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                w = w == null ? new StringBuilder() : w;
                quote = c;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
            } else if ("|&;<>)".indexOf(c) >= 0 || (c == '#' && w == null)) {
                break;
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }

    private static CommandLine fresh() {
        return Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    private static List<CommandLine> commands(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        cl.getSubcommands().values().forEach(c -> commands(c, out));
        return out;
    }

    private static List<Path> markdown() throws IOException {
        try (Stream<Path> s = Files.walk(ROOT)) {
            return s.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !p.toString().matches(".*/(target|\\.git|node_modules)/.*"))
                    .sorted().toList();
        }
    }
}
