/**
 * The recipe document ({@link dev.unlearn.cli.recipe.Recipe}) and its loader, which rejects unknown
 * keys, wrong types and out-of-range values with the key's path.
 */
package dev.unlearn.cli.recipe;
