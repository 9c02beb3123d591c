package dev.unlearn.methods.spi;

import dev.unlearn.core.data.TokenizedExample;
import java.util.Objects;

/**
 * One forget or retain item as a method sees it: the stable record id, the question and answer text
 * (used only for the overlap check of methods.md §1.5, never logged) and its tokenization.
 *
 * @param id stable record id (content hash)
 * @param question prompt text, may be empty for raw-text corpora
 * @param answer target text
 * @param tokens the tokenized, label-masked sequence
 */
public record MethodSample(String id, String question, String answer, TokenizedExample tokens) {
    public MethodSample {
        Objects.requireNonNull(id, "id");
        question = question == null ? "" : question;
        answer = answer == null ? "" : answer;
    }
}
