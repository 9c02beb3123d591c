/**
 * {@code guard}: generation-time unlearning math (methods.md §9): match ratios against forbidden token
 * sequences, semantic similarity, the logistic detector stand-in, one restricted beam step and the
 * forbidden-phrase rule. Plain Java on doubles; the decoding loop and KV caches belong to core's
 * {@code generate} package, which calls into this one.
 */
package dev.unlearn.methods.guard;
