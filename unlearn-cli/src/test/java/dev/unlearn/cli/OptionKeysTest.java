package dev.unlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.unlearn.core.InvalidInputException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class OptionKeysTest {
    private static CommandSpec mixin() {
        CommandSpec spec = CommandSpec.create();
        spec.addOption(OptionSpec.builder("--size").type(String.class).build());
        spec.addOption(OptionSpec.builder("--relearn-steps").type(Integer.class).build());
        return spec;
    }

    @Test
    void configKeyFollowedByColonIsNamedAsTheOption() {
        InvalidInputException ex = new InvalidInputException("Config key 'size': 100% gives m = 40, the whole set");
        assertEquals("--size: 100% gives m = 40, the whole set", OptionKeys.asOption(ex, mixin()).getMessage());
    }

    @Test
    void configKeyFollowedBySpaceIsNamedAsTheOption() {
        InvalidInputException ex = new InvalidInputException("Config key 'size' must be > 0");
        assertEquals("--size must be > 0", OptionKeys.asOption(ex, mixin()).getMessage());
    }

    @Test
    void leakageKeyIsNamedAsTheOption() {
        InvalidInputException ex = new InvalidInputException("leakage relearn_steps must be at least 1, found 0");
        assertEquals("--relearn-steps must be at least 1, found 0", OptionKeys.asOption(ex, mixin()).getMessage());
    }

    @Test
    void keyWithoutAnOptionInTheMixinIsLeftAsItIs() {
        InvalidInputException ex = new InvalidInputException("Config key 'lr' must be > 0");
        assertSame(ex, OptionKeys.asOption(ex, mixin()));
    }
}
