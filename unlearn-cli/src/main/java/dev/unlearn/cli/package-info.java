/**
 * The {@code unlearn} command line: {@link dev.unlearn.cli.Cli} wires picocli with one exit-code
 * mapping ({@link dev.unlearn.cli.ExitCodes}); subcommands live in {@code commands}, the recipe
 * runner in {@code pipeline} and {@code recipe}, the deletion-request workflow in {@code requests}.
 * May use every other module; nothing depends on it.
 */
package dev.unlearn.cli;
