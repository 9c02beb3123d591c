/**
 * Runs a registered unlearning method on a {@code CausalLm} end to end: binds and checks the config
 * (methods.md §1.5), tokenizes forget/retain records, builds each step's batches (forget/retain pairs
 * of §1.1, FLAT template batches of §5.4, PD decoupled batches of §8.3), drives loss-based methods
 * through core's {@code TrainingLoop}, applies SSD as a direct edit, and reports a {@link
 * dev.unlearn.methods.run.RunSummary}. Uses core and this module's SPI and method packages; knows no
 * evaluation code and no CLI.
 */
package dev.unlearn.methods.run;
