package dev.unlearn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that does work: its spec (for its output streams) and the {@link CommonOptions}. */
public abstract class BaseCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected CommonOptions common;
}
