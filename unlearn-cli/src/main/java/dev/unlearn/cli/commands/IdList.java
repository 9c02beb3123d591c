package dev.unlearn.cli.commands;

import dev.unlearn.core.InvalidInputException;
import java.util.OptionalLong;

/** Parses a comma- or space-separated list of token ids given on the command line. */
final class IdList {
    private IdList() {}

    static long[] parse(String option, String text, int vocabSize) {
        String[] parts = text.trim().split("[,\\s]+");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException ex) {
                throw new InvalidInputException(option + ": '" + parts[i] + "' is not a token id (give integers, e.g. 1,461,23)");
            }
        }
        return check(option, ids, vocabSize);
    }

    /** {@code ids} when there is at least one and each is an id of a vocabulary of {@code vocabSize}; else an input error naming {@code option}. */
    static long[] check(String option, long[] ids, int vocabSize) {
        if (ids.length == 0) {
            throw new InvalidInputException(option + ": no token ids given");
        }
        OptionalLong bad = outside(ids, vocabSize);
        if (bad.isPresent()) {
            throw new InvalidInputException(option + ": token id " + bad.getAsLong() + " outside the vocabulary 0.."
                    + (vocabSize - 1));
        }
        return ids;
    }

    /** The first of {@code ids} that is not an id of a vocabulary of {@code vocabSize}, if any. */
    static OptionalLong outside(long[] ids, int vocabSize) {
        return java.util.Arrays.stream(ids).filter(id -> id < 0 || id >= vocabSize).findFirst();
    }
}
