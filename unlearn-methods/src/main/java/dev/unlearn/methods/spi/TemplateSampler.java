package dev.unlearn.methods.spi;

import dev.unlearn.core.InvalidInputException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Template pairing of methods.md §5.4 [REF]: each fetch of forget item {@code i} draws one template
 * uniformly at random (a fresh draw every time), seeded from the run. The caller builds the pair
 * (forget question, template) with the forget item's prompt template and tokenises it like a forget
 * sample.
 */
public final class TemplateSampler {
    private final List<String> templates;
    private final SplittableRandom random;

    public TemplateSampler(List<String> templates, long seed) {
        if (templates.isEmpty()) {
            throw new InvalidInputException("the list of alternate answers is empty (FLAT: config key 'templates').");
        }
        this.templates = List.copyOf(templates);
        this.random = new SplittableRandom(seed);
    }

    /** Draws one template for the next fetch. */
    public String next() {
        return templates.get(random.nextInt(templates.size()));
    }

    /** Reads a template file the reference way: one per line, each {@code strip()}ped, blank lines dropped. */
    public static List<String> parse(String fileText) {
        return fileText.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
