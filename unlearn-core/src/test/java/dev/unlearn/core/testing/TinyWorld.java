package dev.unlearn.core.testing;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.core.Engines;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.model.ModelConfig;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import dev.unlearn.core.train.FineTune;
import dev.unlearn.core.train.Schedule;
import dev.unlearn.core.train.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared test fixture: the built-in 10-author world plus two tiny Llama models trained on it from
 * scratch, {@code full} (on {@code full} + world facts) and {@code retain} (on {@code retain90} + world
 * facts), saved as Hugging Face checkpoints with the world's tokenizer.
 *
 * <p>Built once per build and cached under {@code unlearn.tinyworld.dir} (the parent pom points it at
 * the reactor's {@code target/tiny-world}); the folder name carries {@link #VERSION}, so changing the
 * recipe below means bumping it. Built into a temporary folder and renamed, so concurrent JVMs and
 * interrupted builds never see half a fixture.
 */
public final class TinyWorld {
    /**
     * Bump when the world, architecture or training below changes, or the kernels that train it (v4: the
     * fused AdamW, SiLU and attention kernels, whose rounding gives other trained weights than v3's).
     */
    public static final String VERSION = "v4";
    public static final int EPOCHS = 40;
    /**
     * System property choosing the fixture's training seed (model initialisation and batch order; the
     * world's data is the same for every seed). {@code 0}, the default, is the fixture every test was
     * written against, cached under {@code <dir>/v3}; seed {@code s > 0} initialises with {@code 7 + s},
     * shuffles with {@code s} and is cached under {@code <dir>/v3-seed<s>}. Used to measure the spread
     * behind each acceptance bound (docs/test-bounds.md).
     */
    public static final String SEED_PROPERTY = "unlearn.tinyworld.seed";

    private static final long INIT_SEED = 7;

    private static Path cached;

    /** Paths of the fixture: {@code data/} (synth files + tokenizer), {@code full/} and {@code retain/} checkpoints. */
    public record Paths3(Path root, Path data, Path full, Path retain) {}

    private TinyWorld() {}

    /** The architecture: about 0.2 M parameters with the world's vocabulary. */
    public static ModelConfig config(int vocab, long bos, long eos, long pad) {
        return ModelConfig.llama(64, 2, 4, 2, 172, vocab)
                .with("bos_token_id", bos).with("eos_token_id", eos).with("pad_token_id", pad)
                .with("max_position_embeddings", 256);
    }

    public static synchronized Paths3 get() {
        if (cached == null) {
            String base = System.getProperty("unlearn.tinyworld.dir");
            long seed = seed();
            String folder = seed == 0 ? VERSION : VERSION + "-seed" + seed;
            Path root = (base != null ? Paths.get(base) : Paths.get("target", "tiny-world")).resolve(folder).toAbsolutePath();
            if (!Files.isRegularFile(root.resolve("retain/manifest.json"))) {
                build(root, seed);
            }
            cached = root;
        }
        return new Paths3(cached, cached.resolve("data"), cached.resolve("full"), cached.resolve("retain"));
    }

    /** The fixture's training seed: {@value #SEED_PROPERTY}, 0 when unset or blank. */
    public static long seed() {
        String v = System.getProperty(SEED_PROPERTY, "").trim();
        if (v.isEmpty()) {
            return 0;
        }
        long s = Long.parseLong(v);
        if (s < 0) {
            throw new IllegalArgumentException(SEED_PROPERTY + " must be >= 0, got " + v);
        }
        return s;
    }

    /** Tokenized answer examples of one world file (plain template, max length 64). */
    public static List<TokenizedExample> examples(Path dataDir, String... files) {
        List<QaRecord> rows = new ArrayList<>();
        for (String f : files) {
            rows.addAll(QaReader.read(dataDir.resolve(f)));
        }
        try (TextTokenizer tok = TextTokenizer.load(dataDir)) {
            return new QaTokenization(tok, PromptTemplate.PLAIN, 64).tokenizeAll(rows).examples();
        }
    }

    private static void build(Path root, long seed) {
        Engines.pytorch();
        try {
            Files.createDirectories(root.getParent());
            Path tmp = Files.createTempDirectory(root.getParent(), ".build-");
            Path data = tmp.resolve("data");
            SynthWorld.defaults().write(data);
            train(data, tmp.resolve("full"), "full.json", seed);
            train(data, tmp.resolve("retain"), "retain90.json", seed);
            try {
                Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isRegularFile(root.resolve("retain/manifest.json"))) {
                    throw raced;
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot build the tiny-world fixture under " + root, ex);
        }
    }

    private static void train(Path data, Path out, String split, long seed) {
        List<TokenizedExample> ex = examples(data, split, "world_facts.json");
        try (TextTokenizer tok = TextTokenizer.load(data); NDManager m = NDManager.newBaseManager()) {
            long bos = tok.bosId() == null ? tok.eosId() : tok.bosId();
            ModelConfig cfg = config(tok.vocabSize(), bos, tok.eosId(), tok.padId());
            try (CausalLm lm = CausalLm.random(cfg, m, Device.cpu(), INIT_SEED + seed)) {
                long t0 = System.nanoTime();
                FineTune.run(lm, ex, 16, tok.padId(), TrainingConfig.builder().setLearningRate(3e-3).optEpochs(EPOCHS)
                        .optWarmupSteps(20).optWeightDecay(0.0).optSchedule(Schedule.LINEAR).optSeed(seed).build());
                double acc = FineTune.answerTokenAccuracy(lm, ex, tok.padId());
                System.out.printf("tiny-world %s (seed %d): %d examples, %.1f s, answer-token accuracy %.3f%n", split, seed, ex.size(),
                        (System.nanoTime() - t0) / 1e9, acc);
                Checkpoint.save(lm, out, data, DataType.FLOAT32);
            }
        }
    }
}
