package dev.unlearn.cli.commands;

import dev.unlearn.cli.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code unlearn completion}: a bash/zsh completion script for every command and option (picocli {@link AutoComplete}). */
@Command(name = "completion", mixinStandardHelpOptions = true,
        header = "Print a bash/zsh completion script for unlearn.",
        description = {
            "Prints a completion script covering every command, option and the values of options with a fixed set",
            "(methods, templates, suites, model types, read from the registries). The same script serves bash and",
            "zsh (it loads zsh's bashcompinit itself).",
            "",
            "Examples:",
            "  source <(unlearn completion)                        # this shell only",
            "  unlearn completion > ~/.local/share/bash-completion/completions/unlearn",
            "  echo 'source <(unlearn completion)' >> ~/.zshrc"
        })
public class CompletionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(script(spec));
        out.flush();
        return ExitCodes.OK;
    }

    /** The completion script of the whole {@code unlearn} command tree that {@code spec} belongs to. */
    static String script(CommandSpec spec) {
        return AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    }
}
