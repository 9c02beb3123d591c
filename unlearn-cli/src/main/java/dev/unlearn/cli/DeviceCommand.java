package dev.unlearn.cli;

import picocli.CommandLine.Mixin;

/** A command that runs on a device: the {@link CommonOptions} ({@code --device}). */
public abstract class DeviceCommand extends BaseCommand {
    @Mixin
    protected CommonOptions common;
}
