package dev.unlearn.cli.commands;

import dev.unlearn.core.testing.Bounds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.core.data.QaReader;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.QaWriter;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unlearn worst-case} on the tiny world's full model: outputs, formats, entity level, bad input. */
class WorstCaseCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 4 records per author (40) written as a JSON array. */
    private static Path pool(Path dir) {
        List<QaRecord> rows = QaReader.read(TinyWorld.get().data().resolve("full.json"));
        List<QaRecord> keep = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (i % 20 < 4) {
                keep.add(rows.get(i));
            }
        }
        Path p = dir.resolve("pool.json");
        QaWriter.write(p, keep);
        return p;
    }

    private static String[] args(Path pool, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("worst-case", "--model", TinyWorld.get().full().toString(), "--pool",
                pool.toString(), "--iterations", "2", "--lr", "2e-3", "--w-lr", "2",
                "--binarize-every", "1", "--keep-best", "--outside-loss", "remembered", "--max-length", "64",
                "--seed", "3", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void writesSelectedAndRetainSetsTraceAndComparison(@TempDir Path tmp) throws Exception {
        Path pool = pool(tmp);
        Path out = tmp.resolve("wc");
        CliRun r = CliRun.of(args(pool, out, "--method", "npo", "--size", "10%", "--compare-random", "2"));
        assertEquals(0, r.code(), r.toString());
        List<QaRecord> forget = QaReader.read(out.resolve("forget.json"));
        List<QaRecord> retain = QaReader.read(out.resolve("retain.json"));
        assertEquals(4, forget.size(), "10% of 40");
        assertEquals(36, retain.size());
        Set<String> all = new HashSet<>();
        forget.forEach(x -> all.add(x.id()));
        retain.forEach(x -> all.add(x.id()));
        assertEquals(QaReader.read(pool).stream().map(QaRecord::id).collect(Collectors.toSet()), all, "a partition of the pool");
        JsonNode t = JSON.readTree(out.resolve("trace.json").toFile());
        assertEquals(2, t.get("iterations").size());
        assertEquals(4, t.get("selected_ids").size());
        assertEquals(40, t.get("weights").size());
        assertTrue(t.get("seconds_per_iteration").asDouble() > 0);
        JsonNode c = JSON.readTree(out.resolve("comparison.json").toFile());
        assertEquals(2, c.get("random").size());
        double p = c.get("worst_case").get("mean_answer_probability").asDouble();
        assertTrue(p > 0 && p <= 1, "probability in (0,1]: " + p);
        Bounds.record("WorstCaseCommandTest.probBefore", c.get("worst_case").get("mean_answer_probability_before").asDouble(),
                ">", 0.9);
        assertTrue(c.get("worst_case").get("mean_answer_probability_before").asDouble() > 0.9, "full model knows the pool");
        assertTrue(r.out().contains("after unlearning: worst-case answer probability"), r.toString());
    }

    @Test
    void entityLevelSelectsWholeAuthors(@TempDir Path tmp) throws Exception {
        Path pool = pool(tmp);
        Path out = tmp.resolve("wc-e");
        CliRun r = CliRun.of(args(pool, out, "--method", "npo", "--size", "2", "--entity-level"));
        assertEquals(0, r.code(), r.toString());
        List<QaRecord> forget = QaReader.read(out.resolve("forget.json"));
        assertEquals(8, forget.size(), "two authors × 4 records");
        assertEquals(2, forget.stream().map(QaRecord::entity).distinct().count());
        assertTrue(QaReader.read(out.resolve("retain.json")).stream().noneMatch(x -> forget.get(0).entity().equals(x.entity())));
    }

    @Test
    void unsupportedMethodIsBadInput(@TempDir Path tmp) {
        CliRun r = CliRun.of(args(pool(tmp), tmp.resolve("x"), "--size", "4", "--method", "flat"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("supported: ga, graddiff, npo, simnpo"), r.toString());
        r = CliRun.of(args(pool(tmp), tmp.resolve("y"), "--size", "4", "--compare-random", "1"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("--compare-random"), r.toString());
        // a bad search option is named as the option, a bad method key as the config key it is
        r = CliRun.of(args(pool(tmp), tmp.resolve("z"), "--size", "4", "--lower-epochs", "0"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("error: --lower-epochs must be"), r.toString());
        r = CliRun.of(args(pool(tmp), tmp.resolve("z"), "--size", "100%"));
        assertTrue(r.err().contains("error: --size: 100% gives m = "), r.toString());
        r = CliRun.of(args(pool(tmp), tmp.resolve("z"), "--size", "4", "--method", "npo", "--set", "beta=-1"));
        assertTrue(r.err().contains("Config key 'beta'"), r.toString());
    }
}
