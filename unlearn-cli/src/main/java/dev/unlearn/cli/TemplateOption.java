package dev.unlearn.cli;

import dev.unlearn.core.text.PromptTemplate;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --template} option of every command that formats QA records as prompts (a picocli mixin). */
public class TemplateOption {
    @Option(names = "--template", defaultValue = "auto", paramLabel = "NAME", completionCandidates = Candidates.Templates.class,
            description = "Prompt template: ${COMPLETION-CANDIDATES}. auto is the model's chat template if it has one,"
                    + " else plain; file:PATH.jinja is a custom chat template; a JSON mapping is a recipe's model.template"
                    + " mapping ('{\"variables\": {\"enable_thinking\": false}}': the model's chat template with that keyword;"
                    + " recipes/README.md). Default: ${DEFAULT-VALUE}.")
    public String name;

    /** The template for the model (or tokenizer) directory {@code modelDir}. */
    public PromptTemplate resolve(Path modelDir) {
        return PromptTemplate.resolve(name, modelDir, null);
    }

    /** The custom template file ({@code file:PATH.jinja} or {@code PATH.jinja}), an input no output may overwrite; else null. */
    public Path file() {
        return PromptTemplate.templateFile(name, null);
    }
}
