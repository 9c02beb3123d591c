package dev.unlearn.cli.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.unlearn.cli.CliRun;
import dev.unlearn.cli.ExitCodes;
import dev.unlearn.cli.commands.ModelDirs;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.testing.TinyWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, refused inputs: links in model directories, NaN/Inf weights, config dimensions that
 * disagree with the weights (size bombs), recipes (key path and line, duplicate keys, strings for
 * numbers, ranges, methods' configs, suites) and QA files (trailing content, duplicate keys). Each
 * exits 2 within seconds, names the fault, and leaves the inputs unchanged.
 */
class InputRefusalTest {
    private static TinyWorld.Paths3 w;

    @BeforeAll
    static void world() {
        w = TinyWorld.get();
    }

    private static CliRun forget(Path model, Path forgetFile, Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("forget", "--method", "ga", "--model", model.toString(),
                "--forget", forgetFile.toString(), "--out", out.toString(), "--max-steps", "1", "--batch-size", "2",
                "--max-length", "32", "--lr", "1e-3"));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static Path forgetFile() {
        return w.data().resolve("forget10.json");
    }

    @Test
    void linksInAModelDirectoryAreRefused(@TempDir Path tmp) throws Exception {
        Path secret = tmp.resolve("secret.txt");
        Files.writeString(secret, "{\"password\": \"hunter2\"}");
        Path m = tmp.resolve("model");
        Trees.copy(w.full(), m);
        Files.deleteIfExists(m.resolve("generation_config.json"));
        Files.createSymbolicLink(m.resolve("generation_config.json"), secret);
        Map<String, String> before = Trees.digest(tmp);
        CliRun r = forget(m, forgetFile(), tmp.resolve("out"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("generation_config.json is a symbolic link"), r.toString());
        assertFalse(Files.exists(tmp.resolve("out")));

        Path m2 = tmp.resolve("model2");
        Trees.copy(w.full(), m2);
        Files.move(m2.resolve("model.safetensors"), tmp.resolve("elsewhere.safetensors"));
        Files.createSymbolicLink(m2.resolve("model.safetensors"), tmp.resolve("elsewhere.safetensors"));
        Map<String, String> before2 = Trees.digest(tmp);
        CliRun r2 = CliRun.of("score", "--model", m2.toString(), "--question", "q", "--answer", "a");
        assertEquals(ExitCodes.BAD_INPUT, r2.code(), r2.toString());
        assertTrue(r2.err().contains("model.safetensors is a symbolic link"), r2.toString());
        assertEquals(before2, Trees.digest(tmp));
        assertEquals(before.get("secret.txt"), Trees.digest(tmp).get("secret.txt"));
    }

    @Test
    void nonFiniteWeightsAreRefusedByNameUnlessAllowed(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("nan-model");
        String tensor;
        try (NDManager nd = NDManager.newBaseManager(); CausalLm lm = Checkpoint.load(w.full(), nd)) {
            Map.Entry<String, NDArray> e = lm.parameters().entrySet().stream()
                    .filter(x -> x.getKey().contains("layers.0.mlp")).findFirst().orElseThrow();
            tensor = e.getKey();
            float[] v = e.getValue().toFloatArray();
            v[3] = Float.NaN;
            v[5] = Float.POSITIVE_INFINITY;
            e.getValue().set(v);
            Checkpoint.save(lm, bad, w.full(), DataType.FLOAT32);
        }
        Map<String, String> before = Trees.digest(tmp);
        long t0 = System.nanoTime();
        CliRun r = forget(bad, forgetFile(), tmp.resolve("out"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("tensor " + tensor + " holds NaN values") && r.err().contains("--allow-nonfinite"),
                r.toString());
        CliRun score = CliRun.of("score", "--model", bad.toString(), "--question", "q", "--answer", "a");
        assertEquals(ExitCodes.BAD_INPUT, score.code(), score.toString());
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "refusals must be quick");
        CliRun inspect = CliRun.of("score", "--model", bad.toString(), "--question", "q", "--answer", "a",
                "--allow-nonfinite");
        assertEquals(ExitCodes.OK, inspect.code(), inspect.toString());
        assertFalse(Files.exists(tmp.resolve("out")));
        assertEquals(before, Trees.digest(tmp));
        try (NDManager nd = NDManager.newBaseManager(); CausalLm lm = ModelDirs.load(w.full(), nd, false)) {
            assertFalse(lm.parameters().isEmpty(), "a finite model loads");
        }
    }

    @Test
    void configDimensionsAreCheckedAgainstTheTensorsPresentBeforeAllocating(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("model");
        Trees.copy(w.full(), m);
        String cfg = Files.readString(m.resolve("config.json"));
        for (String[] c : new String[][] {
            {"\"num_hidden_layers\": 1e9", "num_hidden_layers must be a positive integer, found 1.0E9"},
            {"\"num_hidden_layers\": 1000000", "num_hidden_layers 1000000 disagrees with the weights"},
            {"\"num_hidden_layers\": \"2\"", "num_hidden_layers must be a positive integer"},
        }) {
            String edited = cfg.replaceFirst("\"num_hidden_layers\"\\s*:\\s*\\d+", c[0]);
            assertFalse(edited.equals(cfg), "the config was not edited");
            Files.writeString(m.resolve("config.json"), edited);
            Map<String, String> before = Trees.digest(tmp);
            long t0 = System.nanoTime();
            CliRun r = forget(m, forgetFile(), tmp.resolve("out"));
            assertEquals(ExitCodes.BAD_INPUT, r.code(), c[0] + ": " + r);
            assertTrue(r.err().contains(c[1]) && r.err().contains("config.json"), r.toString());
            assertTrue((System.nanoTime() - t0) / 1e9 < 20, "a size bomb must be refused in seconds");
            assertEquals(before, Trees.digest(tmp));
        }
        Files.writeString(m.resolve("config.json"), cfg.replaceFirst("\"hidden_size\"\\s*:\\s*\\d+", "\"hidden_size\": 4096"));
        CliRun r = forget(m, forgetFile(), tmp.resolve("out"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("hidden_size 4096 disagrees with the weights"), r.toString());
    }

    @Test
    void recipesAreValidatedCompletelyAtLoadWithKeyPathAndLine(@TempDir Path tmp) throws Exception {
        String[][] cases = {
            // a training setting out of range fails the binding itself, at the key's own line
            {"""
                name: bad
                data: {builtin: {authors: 2, seed: 1}}
                model: {init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}}
                finetune:
                  max_steps: 1
                  warmup_steps: -3
                methods:
                  - {method: ga}
                """, "finetune.warmup_steps: training setting 'warmup_steps' must be >= 0, found -3 (line 6)"},
            // semantic errors are collected: every one is reported at once, each with its key path and line
            {"""
                name: bad
                data: {builtin: {authors: 2, seed: 1}}
                model: {init: {hidden_size: 16, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 32}}
                finetune:
                  max_steps: 1
                  warmup_steps: 3
                methods:
                  - {method: ga}
                  - method: npo
                    config: {beta: -1}
                  - {method: nosuch}
                eval: {suites: [tofu, muse], max_new_tokens: -1}
                """, "methods[1].config: ",
                "(line 10)", "methods[2].method: Unknown unlearning method 'nosuch'", "eval.suites[1]: 'muse' needs data.muse",
                "eval.max_new_tokens: must be > 0, found -1 (line 12)"},
            {"name: a\nname: b\n", "Duplicate field 'name' (line 2"},
            // a syntax error is the scanner's problem at its own line, on one line, without the excerpt
            {"name: a\n\tseed: 2\n", "is not valid YAML: while scanning for the next token: found character '\\t(TAB)'"
                + " that cannot start any token. (Do not use \\t(TAB) for indentation) (line 2, column 1)"},
            {"name: a\nseed: \"2\"\n", "seed: expected an integer (line 2)"},
            {"name: a\ndata: {builtin: {authors: \"2\"}}\n", "data.builtin.authors: expected an integer"},
            {"name: a\ndata: {builtin: {authors: 2, forget_split: forget99}}\nmodel: {init: {hidden_size: 16, layers: 1,"
                + " heads: 2, kv_heads: 1, intermediate_size: 32}}\nmethods: [{method: ga}]\n",
                "data.builtin.forget_split: 'forget99' is not a split name"},
        };
        for (String[] c : cases) {
            Path recipe = tmp.resolve("recipe.yaml");
            Files.writeString(recipe, c[0]);
            CliRun r = CliRun.of("run", recipe.toString(), "--out", tmp.resolve("run").toString());
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
            for (int i = 1; i < c.length; i++) {
                assertTrue(r.err().contains(c[i]), c[i] + " missing in " + r);
            }
            assertFalse(Files.exists(tmp.resolve("run")), "refused before any work");
        }
    }

    @Test
    void qaFilesWithTrailingContentOrDuplicateKeysAreRefusedNamingFileAndLine(@TempDir Path tmp) throws Exception {
        Path trailing = tmp.resolve("trailing.json");
        Files.writeString(trailing, "[{\"question\": \"q1\", \"answer\": \"a1\"},\n {\"question\": \"q2\", \"answer\": \"a2\"}]\n"
                + "{\"question\": \"q3\", \"answer\": \"a3\"}\n");
        Path trailingLine = tmp.resolve("trailing.jsonl");
        Files.writeString(trailingLine, "{\"question\": \"q1\", \"answer\": \"a1\"} {\"question\": \"q2\", \"answer\": \"a2\"}\n");
        Path dup = tmp.resolve("dup.jsonl");
        Files.writeString(dup, "{\"question\": \"q\", \"answer\": \"a\"}\n{\"question\": \"q\", \"answer\": \"a\","
                + " \"answer\": \"b\"}\n");
        Map<String, String> before = Trees.digest(tmp);
        CliRun r = forget(w.full(), trailing, tmp.resolve("out"));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(trailing + ":3") && r.err().contains("content after the top-level JSON array"),
                r.toString());
        CliRun rl = forget(w.full(), trailingLine, tmp.resolve("out"));
        assertEquals(ExitCodes.BAD_INPUT, rl.code(), rl.toString());
        assertTrue(rl.err().contains(trailingLine + ":1"), rl.toString());
        CliRun d = forget(w.full(), dup, tmp.resolve("out"));
        assertEquals(ExitCodes.BAD_INPUT, d.code(), d.toString());
        assertTrue(d.err().contains(dup + ":2") && d.err().contains("Duplicate field 'answer'"), d.toString());
        assertFalse(Files.exists(tmp.resolve("out")));
        assertEquals(before, Trees.digest(tmp));
    }

    @Test
    void outOfRangeDecodingAndAttackOptionsAreInputErrorsNamingTheOption(@TempDir Path tmp) throws Exception {
        String m = w.full().toString();
        Path folder = Files.createDirectories(tmp.resolve("refusals"));
        Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"generate", "--model", m, "--prompt", "hi", "--max-new-tokens", "-1"},
                "--max-new-tokens must be at least 1, found -1");
        cases.put(new String[] {"generate", "--model", m, "--prompt", "hi", "--temperature", "-1"},
                "--temperature must be a positive number, found -1.0");
        cases.put(new String[] {"generate", "--model", m, "--prompt", "hi", "--temperature", "1", "--top-p", "2"},
                "--top-p must be in (0, 1], found 2.0");
        // options that the input form would silently ignore
        cases.put(new String[] {"score", "--model", m, "--input-ids", "1,2,3", "--template", "plain"},
                "--template applies to --question/--answer only, and --input-ids are scored as given, so it would be"
                + " ignored; leave --template out");
        cases.put(new String[] {"score", "--model", m, "--input-ids", "1,2,3", "--attention-mask", "pad_token"},
                "--attention-mask applies to --question/--answer only");
        cases.put(new String[] {"generate", "--model", m, "--input-ids", "1,2,3", "--template", "plain"},
                "--template applies to --prompt only");
        Path muse = Files.createDirectories(tmp.resolve("muse/knowmem"));
        Files.writeString(muse.resolve("forget_qa.json"),
                "[{\"question\": \"q\", \"answer\": \"a\"}, {\"question\": \"p\", \"answer\": \"c\"}]");
        Files.writeString(muse.resolve("retain_qa.json"), "[{\"question\": \"r\", \"answer\": \"b\"}]");
        cases.put(new String[] {"eval", "leakage", "--model", m, "--retain-model", w.retain().toString(), "--data",
                muse.getParent().toString(), "--forget-split", "forget05"},
                "--forget-split applies to TOFU-layout data only, and --data " + muse.getParent() + " is a MUSE-layout");
        // options that the decoding mode would silently ignore
        cases.put(new String[] {"generate", "--model", m, "--prompt", "hi", "--greedy", "--temperature", "0.7"},
                "--greedy and --temperature contradict each other");
        cases.put(new String[] {"generate", "--model", m, "--prompt", "hi", "--top-p", "0.9"},
                "--top-p applies to sampling only");
        cases.put(new String[] {"generate", "--model", m, "--prompt", "hi", "--seed", "7"},
                "--seed applies to sampling only, and decoding is greedy without --temperature, so it would be ignored");
        // a split name can only name a file inside --data: "../x" would read x_perturbed.json beside it
        Path data = tmp.resolve("data");
        Trees.copy(w.data(), data);
        Files.copy(data.resolve("forget10_perturbed.json"), tmp.resolve("outside_perturbed.json"));
        cases.put(new String[] {"eval", "tofu", "--model", m, "--data", data.toString(), "--suites", "tofu",
                "--forget-split", "../outside", "--out", tmp.resolve("tofu-out").toString()},
                "--forget-split '../outside' must name a file of the data folder");
        cases.put(new String[] {"eval", "leakage", "--model", m, "--retain-model", w.retain().toString(), "--data",
                data.toString(), "--forget-split", "../outside"}, "--forget-split '../outside' must name a file");
        cases.put(new String[] {"eval", "leakage", "--model", m, "--retain-model", w.retain().toString(), "--data",
                w.data().toString(), "--relearn-steps", "0"}, "--relearn-steps must be at least 1, found 0");
        cases.put(new String[] {"eval", "leakage", "--model", m, "--retain-model", w.retain().toString(), "--data",
                w.data().toString(), "--relearn-lr", "0"}, "--relearn-lr must be > 0, found 0.0");
        cases.put(new String[] {"guard", "build", "--model", m, "--forget", forgetFile().toString(), "--retain",
                w.data().resolve("retain99.json").toString(), "--refusals", folder.toString(), "--out",
                tmp.resolve("f.json").toString()}, "--refusals " + folder + ": not a regular file");
        Path noTokenizer = tmp.resolve("no-tokenizer");
        Trees.copy(w.full(), noTokenizer);
        Files.delete(noTokenizer.resolve("tokenizer.json"));
        Path key = tmp.resolve("key");
        Files.writeString(key, "ab".repeat(32));
        Path req = tmp.resolve("request.json");
        Files.writeString(req, "{\"request_id\": \"DR-1\", \"subject\": \"N\", \"selectors\": {\"regexes\": [\"Brightwater\"]}}");
        cases.put(new String[] {"request", "submit", req.toString(), "--training-data", w.data().toString(), "--model",
                noTokenizer.toString(), "--out", tmp.resolve("compliance").toString(), "--key", key.toString()},
                "has no tokenizer.json; a request needs a Hugging Face checkpoint with its tokenizer");
        cases.put(new String[] {"request", "batch", req.toString(), req.toString(), "--training-data", w.data().toString(),
                "--model", m, "--out", tmp.resolve("compliance").toString(), "--key", key.toString()},
                "request id DR-1 appears twice in the batch");
        cases.put(new String[] {"forget", "--method", "npo", "--model", m, "--forget", forgetFile().toString(), "--out",
                tmp.resolve("f").toString(), "--config", "beta=0.2"},
                "--config: file beta=0.2 does not exist; to set one key, use --set beta=0.2");
        cases.put(new String[] {"score", "--model", m, "--question", "q", "--answer", "a", "--template",
                "file:" + tmp.resolve("missing.jinja")}, "chat template file " + tmp.resolve("missing.jinja")
                + " does not exist");
        cases.put(new String[] {"score", "--model", m, "--question", "q", "--answer", " "},
                "--answer is empty: give the answer text to score");
        cases.put(new String[] {"eval", "tofu", "--model", m, "--data", w.data().toString(), "--batch-size", "0", "--out",
            tmp.resolve("e0").toString()}, "batch size (--batch-size) must be at least 1, found 0");
        cases.put(new String[] {"eval", "tofu", "--model", m, "--data", w.data().toString(), "--retain-model",
                tmp.resolve("no-retain").toString(), "--out", tmp.resolve("e").toString()},
                "--retain-model " + tmp.resolve("no-retain") + ": no such directory");
        cases.put(new String[] {"request", "submit", req.toString(), "--training-data", w.data().toString(), "--model", m,
                "--out", tmp.resolve("compliance").toString(), "--key", tmp.resolve("no-key").toString()},
                "the key file " + tmp.resolve("no-key") + " does not exist");
        // --templates locates TOFU's file for templates: tofu-idontknow only; anywhere else it would be ignored
        String refusals = w.data().resolve("refusals.txt").toString();
        cases.put(new String[] {"forget", "--method", "ga", "--model", m, "--forget", forgetFile().toString(), "--out",
                tmp.resolve("f").toString(), "--templates", refusals},
                "method 'ga' uses no template answers, so the file would be ignored; leave --templates out");
        cases.put(new String[] {"forget", "--method", "flat", "--model", m, "--forget", forgetFile().toString(), "--out",
                tmp.resolve("f").toString(), "--set", "templates=" + refusals, "--templates", refusals},
                "method 'flat' reads its templates from '" + refusals + "'");
        // eval tofu options that no selected suite reads
        String[] evalTofu = {"eval", "tofu", "--model", m, "--data", w.data().toString(), "--out",
            tmp.resolve("e").toString()};
        cases.put(concat(evalTofu, "--suites", "tofu", "--gradnorm"),
                "--gradnorm feeds the mia suite only, and --suites tofu leaves it out, so it would be ignored");
        cases.put(concat(evalTofu, "--suites", "tofu,mia", "--original-model", w.full().toString()),
                "--original-model feeds the representation suite only");
        cases.put(concat(evalTofu, "--suites", "mia", "--idk-templates", refusals),
                "--idk-templates feeds the refusal suite only");
        cases.put(concat(evalTofu, "--suites", "mia,refusal", "--strict"), "--strict feeds the tofu suite only");
        cases.put(concat(evalTofu, "--suites", "refusal", "--retain-model", w.retain().toString()),
                "--retain-model feeds the tofu, mia, representation suites only, and --suites refusal leaves them all out");
        Path empty = Files.writeString(tmp.resolve("empty.json"), "[]");
        cases.put(new String[] {"forget", "--method", "ga", "--model", m, "--forget", empty.toString(), "--out",
                tmp.resolve("f").toString()}, "--forget " + empty + " holds no records; nothing to unlearn");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            CliRun r = CliRun.of(c.getKey());
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().contains(c.getValue()), "expected '" + c.getValue() + "' in " + r);
        }
        assertFalse(Files.exists(tmp.resolve("f.json")));
        assertFalse(Files.exists(tmp.resolve("f")) || Files.exists(tmp.resolve("e")));
        assertFalse(Files.exists(tmp.resolve("compliance")), "no output folder is made for a bad model or key");
    }

    /**
     * A device that the build cannot serve is refused by every command and recipe that names one, before any work.
     * Before, {@code request submit}, {@code eval leakage} and a recipe's unlearn and eval stages created their models
     * on DJL's default device whatever was asked: on this CPU build {@code --device gpu} ran on the CPU without a
     * word (on a GPU build, {@code cpu} and {@code gpu:1} ran on GPU 0).
     */
    @Test
    void aDeviceTheBuildCannotServeIsRefusedEverywhereItIsNamed(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.unlearn.core.Engines.pytorch().hasCapability(
                ai.djl.engine.StandardCapabilities.CUDA), "this libtorch has a usable GPU");
        String m = w.full().toString();
        Path key = Files.writeString(tmp.resolve("key"), "ab".repeat(32));
        Path req = Files.writeString(tmp.resolve("request.json"), "{\"request_id\": \"DR-1\", \"subject\": \"N\","
                + " \"selectors\": {\"regexes\": [\"Brightwater\"]}}");
        Path recipe = Files.writeString(tmp.resolve("r.yaml"), "name: g\noutput: run\ndata:\n  tofu: {dir: " + w.data()
                + ", forget_split: forget10}\nmodel:\n  checkpoint: " + m + "\n  finetuned: true\n  retain_checkpoint: "
                + w.retain() + "\n  template: plain\n  device: gpu\nmethods:\n  - method: ga\n    train: {max_steps: 1}\n"
                + "eval: {suites: [tofu]}\n");
        List<String[]> cases = List.of(
                new String[] {"request", "submit", req.toString(), "--training-data", w.data().toString(), "--model", m,
                    "--out", tmp.resolve("compliance").toString(), "--key", key.toString(), "--device", "gpu"},
                new String[] {"eval", "leakage", "--model", m, "--retain-model", w.retain().toString(), "--data",
                    w.data().toString(), "--out", tmp.resolve("leak").toString(), "--device", "gpu"},
                new String[] {"run", recipe.toString()});
        for (String[] c : cases) {
            CliRun r = CliRun.of(c);
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
            assertTrue(r.err().contains("device 'gpu' needs a CUDA build of PyTorch"), r.toString());
        }
        assertFalse(Files.exists(tmp.resolve("compliance")) || Files.exists(tmp.resolve("leak"))
                || Files.exists(tmp.resolve("run")), "refused before any work");
        Files.writeString(recipe, Files.readString(recipe).replace("device: gpu", "device: tpu"));
        CliRun r = CliRun.of("run", recipe.toString(), "--dry-run");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains("model.device: unknown device 'tpu'; use cpu, gpu or gpu:N (line 10)"), r.toString());
        // the commands that load no model take no --device
        for (String cmd : new String[] {"chat-template", "eval rouge", "eval tofu-aggregate"}) {
            r = CliRun.of(concat(cmd.split(" "), "--help"));
            assertFalse(r.out().contains("--device"), r.toString());
        }
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /**
     * A syntax error in any file a command reads is one line that names the file and the problem's line, without
     * Jackson's {@code [Source: REDACTED ...]} block or SnakeYAML's excerpt, and is exit 2 before any work.
     */
    @Test
    void syntaxErrorsInInputFilesReadOnOneLineWithTheirPlace(@TempDir Path tmp) throws Exception {
        String m = w.full().toString();
        Path badModel = tmp.resolve("bad-model");
        Trees.copy(w.full(), badModel);
        Files.writeString(badModel.resolve("config.json"), "{\"model_type\": \"llama\",\n \"hidden_size\": ");
        Path recipe = Files.writeString(tmp.resolve("r.yaml"), "name: a\n\tseed: 2\n");
        Path sweep = Files.writeString(tmp.resolve("s.yaml"), "base: r.yaml\nspace: [{method: npo}\n");
        Path policies = Files.writeString(tmp.resolve("p.yaml"), "policies:\n  p: {method: npo\n");
        Path request = Files.writeString(tmp.resolve("q.json"), "{\"request_id\": \"a\",\n \"subject\" \"x\"}");
        Path good = Files.writeString(tmp.resolve("ok.json"), "{\"request_id\": \"a\", \"subject\": \"x\","
                + " \"selectors\": {\"entities\": [\"x\"]}}");
        Path data = Files.writeString(tmp.resolve("d.json"), "[{\"question\": \"q\",\n \"answer\": \"a\"");
        Path filter = Files.writeString(tmp.resolve("g.json"), "{\"format\": \"unlearn-guard-filter\",\n");
        Path messages = Files.writeString(tmp.resolve("m.json"), "[{\"role\": \"user\",\n \"content\": 1");
        Path template = Files.writeString(tmp.resolve("t.jinja"), "{{ messages }}");
        Map<String[], String> cases = new java.util.LinkedHashMap<>();
        cases.put(new String[] {"run", recipe.toString(), "-n"}, recipe + " is not valid YAML");
        cases.put(new String[] {"sweep", sweep.toString(), "--plan-only", "--out", tmp.resolve("o").toString()},
                sweep + " is not valid YAML");
        cases.put(new String[] {"request", "resolve", good.toString(), "--training-data", w.data().toString(),
                "--policies", policies.toString()}, policies + " is not valid YAML");
        cases.put(new String[] {"request", "resolve", request.toString(), "--training-data", w.data().toString()},
                request + " is not valid JSON");
        cases.put(new String[] {"forget", "--method", "ga", "--model", m, "--forget", data.toString(), "--out",
                tmp.resolve("f").toString()}, data + ":2: malformed JSON");
        cases.put(new String[] {"generate", "--model", m, "--prompt", "hi", "--guard", filter.toString()},
                "cannot read GUARD filter " + filter);
        cases.put(new String[] {"chat-template", "--model", m, "--messages", messages.toString(), "--template",
                template.toString()}, messages + ": cannot read JSON");
        cases.put(new String[] {"score", "--model", badModel.toString(), "--question", "q", "--answer", "a"},
                badModel.resolve("config.json") + ": not valid JSON");
        for (Map.Entry<String[], String> c : cases.entrySet()) {
            CliRun r = CliRun.of(c.getKey());
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.toString());
            String err = r.err().strip();
            assertTrue(err.contains(c.getValue()), "expected '" + c.getValue() + "' in " + r);
            assertTrue(err.matches("(?s).*\\(line \\d+.*|.*:\\d+: .*"), "the problem's line is named: " + err);
            assertFalse(err.contains("\n") || err.contains("REDACTED") || err.contains("[Source:"), err);
        }
        assertFalse(Files.exists(tmp.resolve("o")) || Files.exists(tmp.resolve("f")), "refused before any work");
    }
}
