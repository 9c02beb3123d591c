/**
 * ROUGE as the {@code rouge_score} package computes it (tokenizer, NLTK-mode Porter stemmer,
 * ROUGE-L and ROUGE-1), spec §1.6 and Appendix A. Pure Java; depends on nothing else in the module.
 */
package dev.unlearn.eval.rouge;
