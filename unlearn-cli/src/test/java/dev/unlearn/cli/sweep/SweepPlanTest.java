package dev.unlearn.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweep files, expansion, digests, ranking and the executors' generated files; nothing is trained here. */
class SweepPlanTest {
    static final String BASE = """
            name: tiny
            seed: 0
            data:
              builtin: {authors: 4, seed: 0, forget_split: forget10}
            model:
              init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}
              template: plain
            finetune: {epochs: 2, lr: 3.0e-3, batch_size: 16, schedule: constant}
            methods:
              - method: npo
                train: {max_steps: 2, lr: 2.0e-3, batch_size: 4, schedule: constant}
            eval: {suites: [tofu], max_new_tokens: 4}
            """;

    static final String GRID = """
            name: grid
            base: base.yaml
            space:
              - method: npo
                config: {beta: [0.1, 0.5]}
                train: {lr: [1.0e-3, 2.0e-3, 4.0e-3]}
              - method: graddiff
                train: {max_steps: [2, 4]}
            forget: [forget05, forget10]
            seeds: [0, 1]
            objective:
              maximize: forget_quality
              subject_to:
                model_utility: {min_of_full: 0.95}
            """;

    @TempDir Path dir;

    Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    Sweep load(String sweep) throws Exception {
        write("base.yaml", BASE);
        return SweepLoader.load(write("sweep.yaml", sweep));
    }

    @Test
    void gridIsEveryCombinationTimesForgetSetsTimesSeeds() throws Exception {
        Plan p = Plan.expand(load(GRID));
        assertEquals((2 * 3 + 2) * 2 * 2, p.trials().size());
        Set<String> digests = new HashSet<>();
        for (int i = 0; i < p.trials().size(); i++) {
            Plan.Trial t = p.trials().get(i);
            assertEquals(i, t.index());
            assertTrue(digests.add(t.digest()), "digests are unique");
            assertEquals(t.digest(), Plan.digest(t.spec()));
        }
        Plan.Trial first = p.trials().get(0);
        assertEquals("npo", first.label());
        assertEquals(0.1, first.params().get("config.beta").doubleValue());
        assertEquals(0.001, first.params().get("train.lr").doubleValue());
        assertEquals("forget05", first.forget());
        // keys the block does not vary come from the base recipe's npo run
        JsonNode run = first.spec().path("methods").get(0);
        assertEquals(4, run.path("train").path("batch_size").asInt());
        assertEquals(2, run.path("train").path("max_steps").asInt());
        assertEquals("forget05", first.spec().path("data").path("builtin").path("forget_split").asText());
        // the shared models depend on forget set and seed only: 4 pairs for 32 trials
        assertEquals(4, p.trials().stream().map(Plan.Trial::baseKey).distinct().count());
        // the settings of one block differ only in what they vary
        assertEquals(8, p.trials().stream().map(Plan.Trial::setting).distinct().count());
    }

    @Test
    void randomAndWorstCaseForgetSetsEachGetTheirOwnSharedModelsAndPinnedFiles() throws Exception {
        Files.createDirectories(dir.resolve("wc"));
        String rows = "{\"question\": \"q\", \"answer\": \"a\", \"author\": \"x\"}\n";
        Files.writeString(dir.resolve("wc/forget.jsonl"), rows);
        Plan p = Plan.expand(load("""
                base: base.yaml
                space: [{method: npo, train: {lr: [1.0e-3, 2.0e-3]}}]
                forget: [forget10, {random: 25, seeds: [1, 2]}, {worst_case: wc}]
                objective: {maximize: forget_quality}
                """));
        assertEquals(2 * 4, p.trials().size());
        assertEquals(List.of("forget10", "random25-s1", "random25-s2", "worst-case-wc"),
                p.trials().stream().map(Plan.Trial::forget).distinct().toList());
        // one pair of shared models per forget set (and seed)
        assertEquals(4, p.trials().stream().map(Plan.Trial::baseKey).distinct().count());
        // trials run setting by setting, then forget set, then seed
        JsonNode random = p.trials().get(1).spec().path("data").path("builtin");
        assertEquals("random25-s1", p.trials().get(1).forget());
        assertFalse(random.has("forget_split"), "a forget set replaces the split");
        assertEquals(25, random.path("forget_set").path("random").asInt());
        assertEquals(1, random.path("forget_set").path("seed").asInt());
        JsonNode wc = p.trials().get(3).spec().path("data").path("builtin").path("forget_set");
        assertEquals(dir.resolve("wc").toString(), wc.path("worst_case").asText());
        assertEquals(sha256(rows), wc.path("sha256").asText(), "the file is pinned by its SHA-256");
        // a changed file is a changed trial, not a skipped one
        Files.writeString(dir.resolve("wc/forget.jsonl"), rows + rows.replace("\"q\"", "\"q2\""));
        Plan changed = Plan.expand(SweepLoader.load(dir.resolve("sweep.yaml")));
        assertEquals(p.trials().get(0).digest(), changed.trials().get(0).digest());
        assertNotEquals(p.trials().get(3).digest(), changed.trials().get(3).digest());
        // and the pinned recipe refuses a file that changed after planning
        CliRun run = CliRun.of("run", writeRecipe(p.trials().get(3)).toString(), "--out", dir.resolve("r").toString());
        assertEquals(2, run.code(), run.toString());
        assertTrue(run.err().contains("data.builtin.forget_set") && run.err().contains("changed since it was pinned"), run.err());
        // a TOFU base takes named splits only
        write("tofu.yaml", BASE.replace("builtin: {authors: 4, seed: 0, forget_split: forget10}", "tofu: {dir: .}"));
        Path f = write("t.yaml", "base: tofu.yaml\nspace: [{method: npo}]\nforget: [{random: 10, seed: 1}]\n" + OBJ);
        CliRun t = CliRun.of("sweep", f.toString(), "--out", dir.resolve("o3").toString(), "--plan-only");
        assertEquals(2, t.code(), t.toString());
        assertTrue(t.err().contains("forget[0]") && t.err().contains("need data.builtin"), t.err());
    }

    /** Records a finished trial with these metrics, as the trial command would. */
    static void finish(Path out, Plan.Trial t, double fq, double mu) throws Exception {
        Path d = TrialRunner.dir(out, t);
        Files.createDirectories(d);
        Files.writeString(d.resolve("result.json"), "{\"metrics\": {\"forget_quality\": " + fq + ", \"model_utility\": "
                + mu + "}, \"full\": {\"model_utility\": 1.0}, \"retain\": {}}");
        Files.writeString(d.resolve("manifest.json"), "{\"digest\": \"" + t.digest() + "\", \"status\": \"done\"}");
    }

    @Test
    void successiveHalvingPromotesTheBestSettingsWithGrowingBudgets() throws Exception {
        Sweep s = load("""
                base: base.yaml
                search: {kind: grid, halving: {min: 2, max: 8, eta: 2}}
                space:
                  - method: npo
                    train: {lr: [1.0e-3, 2.0e-3, 3.0e-3, 4.0e-3, 5.0e-3]}
                forget: [forget05, forget10]
                objective:
                  maximize: forget_quality
                  subject_to:
                    model_utility: {min_of_full: 0.9}
                """);
        assertEquals(List.of(2, 4, 8), s.search().halving().budgets());
        Path out = dir.resolve("out");
        Plan p0 = Plan.expand(s);
        assertEquals(5 * 2, p0.trials().size(), "rung 0: every setting, each forget set");
        assertTrue(p0.trials().stream().allMatch(t -> t.rung() == 0
                && t.spec().path("methods").get(0).path("train").path("max_steps").asInt() == 2));
        assertTrue(p0.promote(s, out) == p0, "nothing is promoted before the rung has finished");
        // rung 0 results: forget quality grows with lr, but lr 5e-3 breaks the utility constraint
        for (Plan.Trial t : p0.trials()) {
            double lr = t.params().get("train.lr").asDouble();
            finish(out, t, lr * 100, lr >= 5.0e-3 ? 0.5 : 0.95);
        }
        Plan p1 = p0.promote(s, out);
        List<Plan.Trial> rung1 = p1.trials().subList(10, p1.trials().size());
        assertEquals(3 * 2, rung1.size(), "ceil(5 / 2) = 3 settings, each forget set");
        assertEquals(Set.of(4.0e-3, 3.0e-3, 2.0e-3), rung1.stream().map(t -> t.params().get("train.lr").asDouble())
                .collect(java.util.stream.Collectors.toSet()), "the feasible best, not the infeasible lr 5e-3");
        assertTrue(rung1.stream().allMatch(t -> t.rung() == 1 && t.params().get("train.max_steps").asInt() == 4
                && t.spec().path("methods").get(0).path("train").path("max_steps").asInt() == 4));
        assertEquals(p1.trials().size(), p1.trials().stream().map(Plan.Trial::digest).distinct().count());
        for (Plan.Trial t : rung1) {
            finish(out, t, t.params().get("train.lr").asDouble() == 2.0e-3 ? 0.9 : 0.1, 0.95);
        }
        Plan p2 = p1.promote(s, out);
        List<Plan.Trial> rung2 = p2.trials().subList(16, p2.trials().size());
        assertEquals(2 * 2, rung2.size(), "ceil(3 / 2) = 2 settings at the last budget");
        assertTrue(rung2.stream().anyMatch(t -> t.params().get("train.lr").asDouble() == 2.0e-3));
        assertTrue(rung2.stream().allMatch(t -> t.params().get("train.max_steps").asInt() == 8));
        rung2.forEach(t -> {
            try {
                finish(out, t, 0.5, 0.95);
            } catch (Exception ex) {
                throw new RuntimeException(ex);
            }
        });
        assertTrue(p2.promote(s, out) == p2, "the last rung is final");
        // a rerun replays the promotions from the finished trials alone
        Plan replay = SweepCommand.promoted(s, Plan.expand(SweepLoader.load(dir.resolve("sweep.yaml"))), out);
        assertEquals(p2.trials().stream().map(Plan.Trial::digest).toList(),
                replay.trials().stream().map(Plan.Trial::digest).toList());
        // the plan file keeps rungs
        p2.write(out);
        assertEquals(2, Plan.read(out).trials().get(17).rung());
    }

    Path writeRecipe(Plan.Trial t) throws Exception {
        Path p = dir.resolve("trial-" + t.index() + ".yaml");
        SweepLoader.YAML.writeValue(p.toFile(), Plan.recipe(t.spec(), "t"));
        return p;
    }

    @Test
    void specDigestIsStableAcrossKeyOrderAndNumberSpelling() throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode a = (ObjectNode) m.readTree("{\"seed\":0,\"methods\":[{\"method\":\"npo\",\"train\":{\"lr\":0.002}}]}");
        ObjectNode b = (ObjectNode) m.readTree("{\"methods\":[{\"train\":{\"lr\":2.0e-3},\"method\":\"npo\"}],\"seed\":0}");
        assertEquals(Plan.digest(a), Plan.digest(b));
        // a fixed spec has a fixed digest: SHA-256 of {"methods":[{"method":"npo","train":{"lr":0.002}}],"seed":0}
        assertEquals(sha256("{\"methods\":[{\"method\":\"npo\",\"train\":{\"lr\":0.002}}],\"seed\":0}"), Plan.digest(a));
        ObjectNode c = a.deepCopy();
        c.put("seed", 1);
        assertNotEquals(Plan.digest(a), Plan.digest(c));
        // the same sweep file planned twice (another process, another day) gives the same digests
        Plan p1 = Plan.expand(load(GRID));
        Plan p2 = Plan.expand(SweepLoader.load(dir.resolve("sweep.yaml")));
        for (int i = 0; i < p1.trials().size(); i++) {
            assertEquals(p1.trials().get(i).digest(), p2.trials().get(i).digest());
        }
    }

    static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void randomSearchDrawsDistinctSettingsReproducibly() throws Exception {
        String sweep = """
                base: base.yaml
                search: {kind: random, trials: 12, seed: 7}
                space:
                  - method: npo
                    config: {beta: {log_uniform: [0.05, 1.0]}}
                    train: {lr: [1.0e-3, 2.0e-3], max_steps: {int_uniform: [2, 9]}}
                  - method: simnpo
                    train: {lr: {uniform: [1.0e-3, 4.0e-3]}}
                objective: {pareto: {maximize: [forget_quality, model_utility]}}
                """;
        Plan a = Plan.expand(load(sweep));
        Plan b = Plan.expand(SweepLoader.load(dir.resolve("sweep.yaml")));
        assertEquals(12, a.trials().size());
        Set<String> settings = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            Plan.Trial t = a.trials().get(i);
            assertEquals(t.digest(), b.trials().get(i).digest(), "same seed, same draws");
            assertTrue(settings.add(t.setting()));
            if (t.method().equals("npo")) {
                double beta = t.params().get("config.beta").doubleValue();
                long steps = t.params().get("train.max_steps").longValue();
                assertTrue(beta >= 0.05 && beta <= 1.0, "beta " + beta);
                assertTrue(steps >= 2 && steps <= 9, "steps " + steps);
            } else {
                double lr = t.params().get("train.lr").doubleValue();
                assertTrue(lr >= 1e-3 && lr <= 4e-3, "lr " + lr);
            }
        }
        // a small finite space: every setting once, no endless redraws
        String small = sweep.replace("trials: 12", "trials: 50").replace("{log_uniform: [0.05, 1.0]}", "[0.1]")
                .replace("{int_uniform: [2, 9]}", "[2, 3]").replace("{uniform: [1.0e-3, 4.0e-3]}", "[1.0e-3]");
        assertEquals(5, Plan.expand(load(small)).trials().size());
    }

    @Test
    void duplicateRunsAcrossBlocksAreOneTrial() throws Exception {
        String sweep = """
                base: base.yaml
                space:
                  - method: npo
                    train: {lr: [1.0e-3, 2.0e-3]}
                  - method: npo
                    train: {lr: [2.0e-3, 4.0e-3]}
                objective: {maximize: forget_quality}
                """;
        assertEquals(3, Plan.expand(load(sweep)).trials().size());
    }

    static Objective.Scored s(int i, double fq, double mu) {
        return new Objective.Scored(i, Map.of("forget_quality", fq, "model_utility", mu), true, Map.of("model_utility", 0.9));
    }

    @Test
    void constrainedObjectiveRanksFeasibleTrialsFirst() {
        Objective o = new Objective(List.of("forget_quality"), List.of(true), false,
                List.of(new Objective.Constraint("model_utility", true, 0.95, true)));
        List<Objective.Scored> in = new ArrayList<>(List.of(s(0, 0.9, 0.5), s(1, 0.3, 0.88), s(2, 0.6, 0.86),
                s(3, 0.3, 0.89), new Objective.Scored(4, Map.of(), false, Map.of("model_utility", 0.9)), s(5, 0.95, 0.80)));
        Objective.Ranking r = o.rank(in);
        // threshold 0.855: 2 (0.6), then 3 and 1 tie on 0.3 and are ordered by utility; then the infeasible ones by how far
        // they miss (5 misses by 6%, 0 by 42%); the trial without numbers last
        assertEquals(List.of(2, 3, 1, 5, 0, 4), r.order().stream().map(Objective.Scored::index).toList());
        assertTrue(r.feasible().get(2));
        assertFalse(r.feasible().get(5));
        assertFalse(r.feasible().get(4));
    }

    @Test
    void paretoObjectiveRanksByFront() {
        Objective o = new Objective(List.of("forget_quality", "model_utility"), List.of(true, true), true, List.of());
        Objective.Ranking r = o.rank(List.of(s(0, 0.9, 0.5), s(1, 0.5, 0.9), s(2, 0.4, 0.4), s(3, 0.6, 0.6), s(4, 0.3, 0.3)));
        assertEquals(1, r.front().get(0));
        assertEquals(1, r.front().get(1));
        assertEquals(1, r.front().get(3));
        assertEquals(2, r.front().get(2));
        assertEquals(3, r.front().get(4));
        assertEquals(List.of(0, 3, 1, 2, 4), r.order().stream().map(Objective.Scored::index).toList());
        // minimising a metric flips its direction
        Objective min = new Objective(List.of("leak"), List.of(false), false, List.of());
        Objective.Ranking m = min.rank(List.of(new Objective.Scored(0, Map.of("leak", 0.2), true, Map.of()),
                new Objective.Scored(1, Map.of("leak", -0.1), true, Map.of())));
        assertEquals(1, m.order().get(0).index());
    }

    @Test
    void slurmScriptIsAJobArrayOverUnfinishedTrialsRunningTheTrialCommand() throws Exception {
        Plan p = Plan.expand(load(GRID));
        ObjectNode slurm = new ObjectMapper().createObjectNode().put("partition", "gpu").put("time", "01:00:00")
                .put("cpus_per_task", 4).put("gpus_per_task", 1).put("max_parallel", 8);
        slurm.putArray("extra_args").add("--exclusive");
        String s = SlurmExecutor.script(dir.resolve("out"), p, List.of(0, 2, 3, 4, 9), slurm, 2048,
                List.of("/opt/unlearn/bin/unlearn"));
        assertTrue(s.startsWith("#!/bin/bash\n"));
        assertTrue(s.contains("#SBATCH --array=0,2-4,9%8\n"), s);
        assertTrue(s.contains("#SBATCH --partition=gpu\n"));
        assertTrue(s.contains("#SBATCH --time=01:00:00\n"));
        assertTrue(s.contains("#SBATCH --cpus-per-task=4\n"));
        assertTrue(s.contains("#SBATCH --gpus-per-task=1\n"));
        assertTrue(s.contains("#SBATCH --mem=2048M\n"));
        assertTrue(s.contains("#SBATCH --exclusive\n"));
        assertTrue(s.contains("#SBATCH --output=" + dir.resolve("out").toAbsolutePath() + "/sweep/slurm/logs/%A_%a.out\n"));
        assertTrue(s.contains("exec /opt/unlearn/bin/unlearn sweep trial " + dir.resolve("out").toAbsolutePath()
                + " \"$SLURM_ARRAY_TASK_ID\" --executor-name slurm\n"), s);
        assertEquals("0-3,7", SlurmExecutor.arraySpec(List.of(3, 1, 2, 0, 7)));
        assertEquals("5", SlurmExecutor.arraySpec(List.of(5)));
        // a launcher path with spaces is quoted for the shell
        String q = SlurmExecutor.script(dir.resolve("out"), p, List.of(0), new ObjectMapper().createObjectNode(), 0,
                List.of("/opt/my unlearn/bin/unlearn"));
        assertTrue(q.contains("exec '/opt/my unlearn/bin/unlearn' sweep trial"), q);
    }

    @Test
    void kubernetesManifestIsAValidIndexedJob() throws Exception {
        Plan p = Plan.expand(load(GRID));
        ObjectNode k = new ObjectMapper().createObjectNode().put("image", "registry.example/unlearn:0.1")
                .put("volume_claim", "sweeps").put("namespace", "ml").put("gpus", 1).put("parallelism", 4).put("cpu", "2");
        ObjectNode job = KubernetesExecutor.manifest(p, k, 3072);
        K8sJobSchema.validate(job);
        assertEquals("Indexed", job.path("spec").path("completionMode").asText());
        assertEquals(p.trials().size(), job.path("spec").path("completions").asInt());
        assertEquals(4, job.path("spec").path("parallelism").asInt());
        JsonNode c = job.path("spec").path("template").path("spec").path("containers").get(0);
        assertEquals("[\"sweep\",\"trial\",\"/sweep\",\"--executor-name\",\"kubernetes\"]", c.path("args").toString());
        assertEquals(1, c.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertEquals("3072Mi", c.path("resources").path("requests").path("memory").asText());
        // the stand-in schema does reject what Kubernetes would
        ObjectNode broken = job.deepCopy();
        ((ObjectNode) broken.path("spec").path("template").path("spec")).put("restartPolicy", "Always");
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> K8sJobSchema.validate(broken));
        ObjectNode typo = job.deepCopy();
        ((ObjectNode) typo.path("spec")).put("completionMod", "Indexed");
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> K8sJobSchema.validate(typo));
        ObjectNode noImage = job.deepCopy();
        ((ObjectNode) noImage.path("spec").path("template").path("spec").path("containers").get(0)).remove("image");
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> K8sJobSchema.validate(noImage));
        // image and claim are required in the sweep file
        org.junit.jupiter.api.Assertions.assertThrows(dev.unlearn.core.InvalidInputException.class,
                () -> KubernetesExecutor.manifest(p, new ObjectMapper().createObjectNode().put("image", "x"), 0));
        // the written file parses back to the same manifest
        Path f = KubernetesExecutor.write(dir.resolve("out"), p, k, 3072);
        JsonNode back = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(f.toFile());
        assertEquals(job, back, "strings that look like numbers stay strings (env values, quantities)");
        K8sJobSchema.validate(back);
        // the trial command reads JOB_COMPLETION_INDEX when no index is given (SweepCommand.TrialCmd.envIndex)
        assertTrue(KubernetesExecutor.jobName(p).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && KubernetesExecutor.jobName(p).length() <= 63);
    }

    // ---- bad sweep files: exit 2 naming the key ----

    CliRun bad(String sweep) throws Exception {
        write("base.yaml", BASE);
        Path f = write("bad.yaml", sweep);
        return CliRun.of("sweep", f.toString(), "--out", dir.resolve("out").toString(), "--plan-only");
    }

    void assertBad(String sweep, String... expected) throws Exception {
        CliRun r = bad(sweep);
        assertEquals(2, r.code(), r.toString());
        for (String e : expected) {
            assertTrue(r.err().contains(e), "expected '" + e + "' in:\n" + r.err());
        }
        assertFalse(Files.exists(dir.resolve("out").resolve(Plan.FILE)), "nothing planned");
    }

    static final String OBJ = "objective: {maximize: forget_quality}\n";

    @Test
    void badSweepFilesExitTwoNamingTheKey() throws Exception {
        assertBad("base: base.yaml\nspace: [{method: npo}]\n" + OBJ + "wokers: 2\n", "wokers", "unknown key", "executor");
        assertBad("space: [{method: npo}]\n" + OBJ, "base: required");
        assertBad("base: nope.yaml\nspace: [{method: npo}]\n" + OBJ, "base: recipe", "does not exist");
        assertBad("base: base.yaml\nspace: [{method: npx}]\n" + OBJ, "space[0].method", "Unknown unlearning method 'npx'");
        assertBad("base: base.yaml\nspace: [{method: guard}]\n" + OBJ, "space[0].method", "generation time");
        assertBad("base: base.yaml\nspace: [{method: npo, train: {lr: [1.0e-3, -1.0]}}]\n" + OBJ, "space[0].train.lr[1]",
                "positive");
        assertBad("base: base.yaml\nspace: [{method: npo, train: {learning_rate: [1.0e-3]}}]\n" + OBJ,
                "space[0].train.learning_rate", "valid: [lr");
        assertBad("base: base.yaml\nspace: [{method: npo, config: {betta: [0.1]}}]\n" + OBJ, "space[0].config.betta");
        assertBad("base: base.yaml\nspace: [{method: npo, train: {lr: []}}]\n" + OBJ, "space[0].train.lr", "empty list");
        assertBad("base: base.yaml\nspace: [{method: npo, train: {lr: {log_uniform: [1.0e-4, 1.0e-2]}}}]\n" + OBJ,
                "space[0].train.lr", "search.kind: random");
        assertBad("base: base.yaml\nsearch: {kind: random}\nspace: [{method: npo}]\n" + OBJ, "search.trials", "required");
        assertBad("base: base.yaml\nsearch: {kind: bayes}\nspace: [{method: npo}]\n" + OBJ, "search.kind", "grid, random");
        assertBad("base: base.yaml\nsearch: {halving: {min: 4}}\nspace: [{method: npo}]\n" + OBJ, "search.halving",
                "min and max");
        assertBad("base: base.yaml\nsearch: {halving: {min: 4, max: 4}}\nspace: [{method: npo}]\n" + OBJ,
                "search.halving.max", "above min");
        assertBad("base: base.yaml\nsearch: {halving: {key: lr, min: 1, max: 4}}\nspace: [{method: npo}]\n" + OBJ,
                "search.halving.key", "max_steps or epochs");
        assertBad("base: base.yaml\nsearch: {halving: {min: 1, max: 4}}\nspace: [{method: npo, train: {max_steps: [2, 3]}}]\n"
                + OBJ, "space[0].train.max_steps", "set by search.halving");
        assertBad("base: base.yaml\nsearch: {halving: {min: 1, max: 4}}\nspace: [{method: ssd}]\n" + OBJ,
                "space[0].method", "no training budget");
        assertBad("base: base.yaml\nspace: []\n" + OBJ, "space: required");
        // a null value would run its trials at the key's default
        assertBad("base: base.yaml\nspace: [{method: npo, train: {max_steps: [2, ~]}}]\n" + OBJ,
                "space[0].train.max_steps[1]", "no value");
        assertBad("base: base.yaml\nspace: [{method: npo, config: {beta: }}]\n" + OBJ, "space[0].config.beta", "no value");
        assertBad("base: base.yaml\nspace: [{method: npo}]\n", "objective: required");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nobjective: {maximize: forget_qualty}\n",
                "objective.maximize", "unknown metric 'forget_qualty'");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nobjective: {maximize: forget_quality, pareto: {maximize: [leak]}}\n",
                "objective", "exactly one of");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nobjective: {maximize: forget_quality, subject_to:"
                + " {model_utility: {atleast: 0.9}}}\n", "objective.subject_to.model_utility.atleast");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [forget20]\n" + OBJ, "forget[0]", "forget20");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{random: 10}]\n" + OBJ, "forget[0]", "seed: N or seeds");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{random: 100, seed: 1}]\n" + OBJ, "forget[0].random",
                "(0, 100)");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{random: 10, seeds: [1, -2]}]\n" + OBJ,
                "forget[0].seeds[1]");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{random: 10, seed: 1, size: 3}]\n" + OBJ,
                "forget[0].size", "unknown key");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{random: 10, seeds: [1]}, {random: 10, seed: 1}]\n"
                + OBJ, "forget[1]", "'random10-s1' is listed twice");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{worst_case: no-such-dir}]\n" + OBJ,
                "forget[0].worst_case", "does not exist");
        Files.createDirectories(dir.resolve("empty-wc"));
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{worst_case: empty-wc}]\n" + OBJ,
                "forget[0].worst_case", "no forget.json");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nforget: [{size: 3}]\n" + OBJ, "forget[0]", "worst_case: PATH");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nseeds: [0, 0]\n" + OBJ, "seeds[1]", "twice");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nexecutor: {kind: lsf}\n" + OBJ, "executor.kind", "local, slurm");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nexecutor: {slurm: {cpus_per_task: 0}}\n" + OBJ,
                "executor.slurm.cpus_per_task");
        assertBad("base: base.yaml\nspace: [{method: npo}]\nexecutor: {memory_per_trial: lots}\n" + OBJ,
                "executor.memory_per_trial");
        assertBad("base: base.yaml\nspace: [{method: ssd, train: {lr: [1.0e-3]}}]\n" + OBJ, "space[0].train.lr",
                "edits weights directly");
        assertBad("base: base.yaml\nspace: [{method: npo, base_run: simnpo}]\n" + OBJ, "space[0].base_run", "no run 'simnpo'");
        assertBad("base: base.yaml\nspace: [{method: npo}]\n" + OBJ + "objective: {maximize: leak}\n", "not valid YAML");
        // the command line too
        write("base.yaml", BASE);
        Path ok = write("ok.yaml", "base: base.yaml\nspace: [{method: npo}]\n" + OBJ);
        CliRun r = CliRun.of("sweep", ok.toString(), "--out", dir.resolve("o2").toString(), "--executor", "lsf");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--executor"), r.err());
        CliRun t = CliRun.of("sweep", "trial", dir.resolve("nowhere").toString(), "0");
        assertEquals(2, t.code(), t.toString());
        assertTrue(t.err().contains("not a sweep output folder"), t.err());
    }

    @Test
    void planOnlyWritesThePlanThatTrialsStatusAndReportRead() throws Exception {
        write("base.yaml", BASE);
        Path f = write("sweep.yaml", GRID);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("sweep", f.toString(), "--out", out.toString(), "--plan-only");
        assertEquals(0, r.code(), r.toString());
        Plan p = Plan.read(out);
        assertEquals(32, p.trials().size());
        CliRun st = CliRun.of("sweep", "status", out.toString());
        assertEquals(0, st.code(), st.toString());
        assertTrue(st.out().contains("32 trials: 0 done, 0 failed, 0 running, 0 partial"), st.out());
        CliRun rep = CliRun.of("sweep", "report", out.toString());
        assertEquals(0, rep.code(), rep.toString());
        assertTrue(Files.readString(out.resolve("report/report.html")).contains("<svg"));
        CliRun idx = CliRun.of("sweep", "trial", out.toString(), "32");
        assertEquals(2, idx.code(), idx.toString());
        assertTrue(idx.err().contains("out of range"), idx.err());
        // the output folder must not be an input
        CliRun over = CliRun.of("sweep", f.toString(), "--out", dir.toString(), "--plan-only");
        assertEquals(2, over.code(), over.toString());
    }

    /**
     * Report writers take turns (a sweep writes its report while {@code sweep report} may run): two at once both
     * succeed and leave one whole report, and what crashed writers left (a staging folder of this build or of
     * builds before the lock, a replaced folder) is removed under the lock; a folder of another name is kept.
     */
    @Test
    void reportWritersTakeTurnsAndRemoveWhatCrashedWritersLeft() throws Exception {
        write("base.yaml", BASE);
        Path out = dir.resolve("out");
        assertEquals(0, CliRun.of("sweep", write("sweep.yaml", GRID).toString(), "--out", out.toString(), "--plan-only").code());
        List<Path> left = List.of(out.resolve(".tmp-report-123456"), out.resolve(".report.tmp-42"), out.resolve(".report.old-7"));
        for (Path p : left) {
            Files.createDirectories(p);
            Files.writeString(p.resolve("report.html"), "partial");
        }
        Path mine = Files.createDirectories(out.resolve(".tmp-report-notes"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Path>> writers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                writers.add(pool.submit(() -> SweepReport.write(out)));
            }
            for (java.util.concurrent.Future<Path> w : writers) {
                assertEquals(out.resolve("report"), w.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(Files.readString(out.resolve("report/report.html")).contains("<svg"));
        for (Path p : left) {
            assertFalse(Files.exists(p), p + " left behind");
        }
        assertTrue(Files.isDirectory(mine), "a folder the toolkit did not name is kept");
        try (java.util.stream.Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".report.")).toList(),
                    "no staging folder of the writers themselves");
        }
    }

    @Test
    void shippedSweepHasAtLeastFortyTrialsAndTheTunedRecipeValidates() {
        Path recipes = Path.of(System.getProperty("user.dir")).getParent().resolve("recipes");
        Plan p = Plan.expand(SweepLoader.load(recipes.resolve("sweep-demo.yaml")));
        assertTrue(p.trials().size() >= 40, p.trials().size() + " trials");
        assertEquals(1, p.trials().stream().map(Plan.Trial::baseKey).distinct().count(), "one pair of shared models");
        dev.unlearn.cli.recipe.Recipe tuned = dev.unlearn.cli.recipe.RecipeLoader.load(recipes.resolve("demo-tuned.yaml"));
        // every run of the tuned recipe is a trial of the sweep (same method, config and training settings)
        ObjectMapper m = new ObjectMapper();
        for (dev.unlearn.cli.recipe.Recipe.MethodRun run : tuned.methods()) {
            assertTrue(p.trials().stream().map(t -> m.convertValue(t.spec().path("methods").get(0),
                    dev.unlearn.cli.recipe.Recipe.MethodRun.class)).anyMatch(x -> x.method().equals(run.method())
                            && x.config().equals(run.config()) && x.settings().equals(run.settings())),
                    "no trial runs " + run);
        }
    }
}
