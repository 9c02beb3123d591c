package dev.unlearn.cli;

import dev.unlearn.core.model.family.Families;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.eval.spi.Suites;
import dev.unlearn.methods.spi.Methods;
import dev.unlearn.methods.worstcase.WeightedObjective;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The values an option takes, read from the registries when help or a completion script is rendered
 * (picocli {@code completionCandidates}; {@code ${COMPLETION-CANDIDATES}} in a description lists them),
 * so that help and completion never fall behind a newly registered method, template, suite or family.
 */
public final class Candidates {
    private Candidates() {}

    /** Registered unlearning methods ({@link Methods}). */
    public static final class MethodNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Methods.names().iterator();
        }
    }

    /** Prompt templates: auto, chat, the built-in ones ({@link PromptTemplate#BUILT_IN}) and a custom file. */
    public static final class Templates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> out = new ArrayList<>(List.of("auto", "chat"));
            PromptTemplate.BUILT_IN.forEach(t -> out.add(t.name()));
            out.add("file:PATH.jinja");
            return out.iterator();
        }
    }

    /** Built-in prompt templates only ({@link PromptTemplate#BUILT_IN}). */
    public static final class BuiltInTemplates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return PromptTemplate.BUILT_IN.stream().map(PromptTemplate::name).iterator();
        }
    }

    /** Methods the worst-case search can run (a per-sample weighted loss; {@link WeightedObjective#supported()}). */
    public static final class WorstCaseMethods implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return WeightedObjective.supported().iterator();
        }
    }

    /** Metric suites ({@link Suites}). */
    public static final class SuiteNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Suites.names().iterator();
        }
    }

    /** Supported model families, by Hugging Face {@code model_type} ({@link Families}). */
    public static final class ModelTypes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Families.modelTypes().iterator();
        }
    }
}
