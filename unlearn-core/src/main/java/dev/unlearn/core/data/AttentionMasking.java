package dev.unlearn.core.data;

import dev.unlearn.core.InvalidInputException;
import java.util.Locale;

/**
 * Which key positions a {@link Batch}'s attention mask hides (training setting {@code attention_mask}).
 *
 * <ul>
 *   <li>{@code LENGTH} (default): every position past a sequence's length, nothing else. The right
 *       definition: a real token is never hidden, whatever its id.</li>
 *   <li>{@code PAD_TOKEN}: every position whose id equals the pad id, as the reference Python collators
 *       do ({@code attention_mask = input_ids.ne(pad_token_id)}). With pad == EOS (Llama, phi, the
 *       built-in world) that also hides the real EOS tokens inside a sequence from attention; choose it
 *       only to reproduce published numbers exactly.</li>
 * </ul>
 */
public enum AttentionMasking {
    LENGTH, PAD_TOKEN;

    /** The recipe/CLI spelling: {@code length} or {@code pad_token}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code length} or {@code pad_token} (any case, {@code -} for {@code _}; methods.md §1.1's
     * spellings {@code lengths} and {@code pad-token} too).
     */
    public static AttentionMasking byName(String name) {
        String n = name == null ? "" : name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        if (n.equals("LENGTHS")) {
            n = "LENGTH";
        }
        for (AttentionMasking m : values()) {
            if (m.name().equals(n)) {
                return m;
            }
        }
        throw new InvalidInputException("unknown attention_mask '" + name + "'; valid: length, pad_token");
    }
}
