package dev.unlearn.core.text;

import dev.unlearn.core.InvalidInputException;
import java.util.List;

/**
 * How a question and an answer become one training/scoring string (evaluation.md §1.1):
 * {@code prompt = userStart + question + userEnd + assistantStart} is masked (label -100), and
 * {@code answerPrefix + answer} (plus EOS) is scored.
 *
 * <p>{@link #PLAIN} (the default) is {@code "Question: q\nAnswer:"} followed by {@code " " + a}: the
 * phi-style layout with the space carried by the answer so that tokenizers which attach spaces to the
 * following word (SentencePiece, our synth tokenizer) do not merge across the prompt/answer boundary.
 * {@link #TOFU_PHI} and {@link #OU_PHI} reproduce the two reference spellings exactly (TOFU scores
 * {@code "Answer: "} too; OU masks it), {@link #LLAMA2} the Llama-2-chat layout and {@link #LLAMA3} the Llama-3.x Instruct chat template.
 *
 * @param name template name for recipes and provenance
 * @param userStart text before the question
 * @param userEnd text after the question
 * @param assistantStart masked text after {@code userEnd}
 * @param answerPrefix scored text before the answer
 */
public record PromptTemplate(String name, String userStart, String userEnd, String assistantStart, String answerPrefix) {
    /** Default: {@code "Question: " + q + "\nAnswer:"} then {@code " " + a}. */
    public static final PromptTemplate PLAIN = new PromptTemplate("plain", "Question: ", "\n", "Answer:", " ");
    /** TOFU original phi/stablelm/pythia: prompt {@code "Question: q\n"}, scored {@code "Answer: a"}. */
    public static final PromptTemplate TOFU_PHI = new PromptTemplate("tofu-phi", "Question: ", "\n", "", "Answer: ");
    /** OU phi-1.5 / Llama-2-7b-hf tags: prompt {@code "Question: q\nAnswer: "}, scored {@code a}. */
    public static final PromptTemplate OU_PHI = new PromptTemplate("ou-phi", "Question: ", "\n", "Answer: ", "");
    /** Llama-2-chat: prompt {@code "[INST] q [/INST]"}, scored {@code a} (no space). */
    public static final PromptTemplate LLAMA2 = new PromptTemplate("llama2", "[INST] ", " [/INST]", "", "");

    /**
     * Llama-3.x Instruct chat template as open-unlearning applies it (evaluation.md §1.1): system prompt
     * "You are a helpful assistant.", date string "10 Apr 2025", generation prompt; the tokenizer adds
     * {@code <|begin_of_text|>} and the answer ends with the tokenizer's EOS ({@code <|eot_id|>}).
     */
    public static final PromptTemplate LLAMA3 = new PromptTemplate("llama3",
            "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 10 Apr 2025"
                    + "\n\nYou are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n",
            "<|eot_id|>", "<|start_header_id|>assistant<|end_header_id|>\n\n", "");

    public static final List<PromptTemplate> BUILT_IN = List.of(PLAIN, TOFU_PHI, OU_PHI, LLAMA2, LLAMA3);

    public PromptTemplate {
        if (name == null || userStart == null || userEnd == null || assistantStart == null || answerPrefix == null) {
            throw new InvalidInputException("prompt template fields must not be null (use \"\" for none)");
        }
    }

    /** Looks up a built-in template by name; the error lists the valid names. */
    public static PromptTemplate byName(String name) {
        for (PromptTemplate t : BUILT_IN) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        throw new InvalidInputException("unknown prompt template '" + name + "'; built-in: "
                + BUILT_IN.stream().map(PromptTemplate::name).toList() + ", or configure user_start/user_end/"
                + "assistant_start/answer_prefix");
    }

    /** The masked part. */
    public String prompt(String question) {
        return userStart + question + userEnd + assistantStart;
    }

    /** The whole sequence text: prompt then scored part. */
    public String full(String question, String answer) {
        return prompt(question) + answerPrefix + answer;
    }
}
