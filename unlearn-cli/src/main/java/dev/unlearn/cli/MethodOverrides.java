package dev.unlearn.cli;

import dev.unlearn.methods.spi.MethodConfig;
import dev.unlearn.methods.spi.Methods;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --set KEY=VALUE}: overrides of a method's config keys (a picocli mixin of forget, worst-case and guard build). */
public class MethodOverrides {
    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a key of the method's config, e.g. beta=0.2 (repeatable; a.b=v sets a nested key;"
                    + " keys and defaults: 'unlearn methods').")
    public List<String> values = new ArrayList<>();

    /** The config of {@code method}: its defaults, then {@code keys}, then the overrides; a bad name, key or value is bad input. */
    public MethodConfig bind(String method, Map<String, Object> keys) {
        return Methods.byName(method).bind(keys, values);
    }
}
