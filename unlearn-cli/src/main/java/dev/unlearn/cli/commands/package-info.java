/** Subcommands of {@code unlearn}, one class each ({@code eval} and its {@code tofu}, {@code tofu-aggregate}, {@code rouge}). */
package dev.unlearn.cli.commands;
