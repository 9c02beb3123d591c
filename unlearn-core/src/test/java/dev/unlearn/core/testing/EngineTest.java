package dev.unlearn.core.testing;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the tests that need the engine and one manager for the whole class: {@link #root} is opened
 * before a subclass's own {@code @BeforeAll} and closed after its {@code @AfterAll} (JUnit runs a
 * superclass's class-level hooks outside the subclass's). Test classes run one after another here, so the
 * one static field serves each in turn.
 */
public abstract class EngineTest {
    protected static NDManager root;

    @BeforeAll
    static void openRoot() {
        Engines.pytorch();
        root = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeRoot() {
        root.close();
    }
}
