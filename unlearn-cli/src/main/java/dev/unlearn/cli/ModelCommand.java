package dev.unlearn.cli;

import picocli.CommandLine.Mixin;

/** A command that reads one checkpoint, given by {@code --model DIR} ({@link ModelOption}). */
public abstract class ModelCommand extends DeviceCommand {
    @Mixin
    protected ModelOption model;
}
