/**
 * Subcommands of {@code unlearn}: {@link dev.unlearn.cli.commands.GenerateCommand} ({@code generate},
 * optionally through a GUARD filter) and {@link dev.unlearn.cli.commands.GuardCommand} ({@code guard build}).
 */
package dev.unlearn.cli.commands;
