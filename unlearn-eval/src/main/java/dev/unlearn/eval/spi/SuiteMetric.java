package dev.unlearn.eval.spi;

import java.util.List;

/**
 * A {@link Metric} whose registry name, suite and required inputs are fixed at construction: the part
 * of a metric's declaration that every suite metric repeats. Subclasses keep a public no-argument
 * constructor (for {@link java.util.ServiceLoader}) and add their headlines, series and dependencies.
 */
public abstract class SuiteMetric implements Metric {
    private final String name;
    private final List<String> suites;
    private final List<InputKey<?>> requiredInputs;

    /** A metric {@code name} in {@code suite} that needs {@code requiredInputs}, in that order. */
    protected SuiteMetric(String name, String suite, InputKey<?>... requiredInputs) {
        this(name, suite, List.of(requiredInputs));
    }

    /** A metric {@code name} in {@code suite} that needs {@code requiredInputs}, in that order. */
    protected SuiteMetric(String name, String suite, List<InputKey<?>> requiredInputs) {
        this.name = name;
        this.suites = List.of(suite);
        this.requiredInputs = List.copyOf(requiredInputs);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> suites() {
        return suites;
    }

    @Override
    public final List<InputKey<?>> requiredInputs() {
        return requiredInputs;
    }
}
