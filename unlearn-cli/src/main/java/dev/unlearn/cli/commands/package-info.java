/**
 * One class per subcommand. Each prints {@code --help} with an example, writes outputs atomically,
 * never modifies an input model, and reports bad input as {@link dev.unlearn.core.InvalidInputException}
 * (exit code 2) with the file, key or option at fault.
 */
package dev.unlearn.cli.commands;
