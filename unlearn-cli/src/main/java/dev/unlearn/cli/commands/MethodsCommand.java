package dev.unlearn.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.unlearn.methods.spi.ConfigBinder;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.spi.UnlearningMethod;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unlearn methods}: the registered methods with their kind, one-line description and config defaults. */
@Command(
        name = "methods",
        mixinStandardHelpOptions = true,
        header = "List unlearning methods with their config keys and defaults.",
        description = {"Keys are snake_case, as in recipes, --config files and --set overrides of 'unlearn forget'.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  unlearn methods",
            "  unlearn methods --json | jq '.npo.defaults.beta'"
        })
public class MethodsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object keyed by method name.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> all = new LinkedHashMap<>();
        for (UnlearningMethod<?> m : Methods.all().values()) {
            Map<String, Object> defaults = ConfigBinder.asMap(m.defaults());
            if (json) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT));
                e.put("description", m.description());
                e.put("defaults", defaults);
                all.put(m.name(), e);
                continue;
            }
            out.printf("%-9s %-15s %s%n", m.name(), m.kind().name().toLowerCase(java.util.Locale.ROOT), m.description());
            defaults.forEach((k, v) -> out.printf("            %-24s %s%n", k, v == null ? "null" : v));
        }
        if (json) {
            out.println(JSON.writeValueAsString(all));
        } else {
            out.println();
            out.println("Run one with: unlearn forget --method NAME --model DIR --forget FILE --out DIR [--set key=value ...]");
        }
        out.flush();
        return 0;
    }
}
