package dev.unlearn.cli;

import dev.unlearn.core.data.AttentionMasking;
import picocli.CommandLine.Option;

/** The {@code --attention-mask} of the commands that tokenize QA records for scoring or training (a picocli mixin). */
public class AttentionMaskOption {
    @Option(names = "--attention-mask", paramLabel = "MODE", defaultValue = "length",
            description = "length (hide padding only) or pad_token (hide every pad-id token, real EOS included when"
                    + " pad == EOS, as the reference collators do). Default: ${DEFAULT-VALUE}.")
    public String mode;

    /** The masking {@link #mode} names; a bad name is bad input naming the valid ones. */
    public AttentionMasking masking() {
        return AttentionMasking.byName(mode);
    }
}
