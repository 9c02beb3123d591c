package dev.unlearn.methods.run;

import ai.djl.ndarray.NDManager;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.testing.TinyWorld;
import dev.unlearn.core.text.TextTokenizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the runner tests on the tiny world share: the cached fixture, forget = forget10, retain =
 * retain90, the world's tokenizer and a base manager, opened once per test class and closed after it.
 * (The hooks are named apart from subclasses' own {@code @BeforeAll}, which would otherwise hide them.)
 */
abstract class TinyWorldMethodTest {
    static TinyWorld.Paths3 world;
    static List<QaRecord> forget;
    static List<QaRecord> retain;
    static TextTokenizer tokenizer;
    static NDManager manager;

    @BeforeAll
    static void openWorld() {
        world = TinyWorld.get();
        forget = QaReader.read(world.data().resolve("forget10.json"));
        retain = QaReader.read(world.data().resolve("retain90.json"));
        tokenizer = TextTokenizer.load(world.data());
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void closeWorld() {
        tokenizer.close();
        manager.close();
    }
}
