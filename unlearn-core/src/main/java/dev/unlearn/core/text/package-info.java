/**
 * Text handling: Hugging Face tokenizers loaded offline through DJL ({@link dev.unlearn.core.text.TextTokenizer}),
 * prompt templates of evaluation.md §1.1 and the QA tokenisation that sets the label mask (only
 * answer tokens and EOS are targets). May use {@code dev.unlearn.core.data}; knows no model.
 */
package dev.unlearn.core.text;
