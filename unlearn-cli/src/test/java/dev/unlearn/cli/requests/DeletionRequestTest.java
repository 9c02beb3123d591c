package dev.unlearn.cli.requests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.train.TrainSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeletionRequestTest {
    private static String error(Path dir, String json) throws Exception {
        Path f = dir.resolve("req.json");
        Files.writeString(f, json);
        return assertThrows(InvalidInputException.class, () -> DeletionRequest.read(f)).getMessage();
    }

    @Test
    void goodRequestBinds(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("req.json");
        Files.writeString(f, """
                {"request_id": "DR-1", "subject": "Ada Quill",
                 "selectors": {"entities": ["Ada Quill"], "regexes": ["(?i)quill"]},
                 "policy": "standard", "thresholds": {"mia_auc_band": 0.1}}
                """);
        DeletionRequest r = DeletionRequest.read(f);
        assertEquals("DR-1", r.requestId());
        DeletionRequest.Thresholds t = r.thresholds().orElse(RequestPolicy.named("standard").thresholds());
        assertEquals(0.1, t.miaAucBand());
        assertEquals(RequestPolicy.named("standard").thresholds().maxForgetProbability(), t.maxForgetProbability());
    }

    @Test
    void errorsNameTheKey(@TempDir Path dir) throws Exception {
        assertTrue(error(dir, "{\"subject\": \"x\", \"selectors\": {\"entities\": [\"x\"]}}").contains("request_id"));
        assertTrue(error(dir, "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": {}}").contains("selectors"));
        assertTrue(error(dir, "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": {\"regexes\": [\"(\"]}}")
                .contains("selectors.regexes[0]"));
        assertTrue(error(dir, "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": {\"entitys\": [\"x\"]}}")
                .contains("entitys"));
        assertTrue(error(dir, "{\"request_id\": \"a/b\", \"subject\": \"x\", \"selectors\": {\"entities\": [\"x\"]}}")
                .contains("request_id"));
        assertTrue(error(dir, "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": {\"entities\": [\"x\"]},"
                + " \"policy\": \"lenient\"}").contains("policy"));
        assertTrue(error(dir, "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": {\"entities\": [\"x\"]},"
                + " \"thresholds\": {\"mia_auc_band\": 0.7}}").contains("thresholds.mia_auc_band"));
        assertTrue(error(dir, "{not json").contains("not valid JSON"));
        // a request reads one way: no key twice, nothing after it, no number written as a string
        String ok = "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": {\"entities\": [\"x\"]}";
        String twice = error(dir, ok + ",\n \"request_id\": \"b\"}");
        assertTrue(twice.contains("Duplicate field 'request_id' (line 2"), twice);
        assertTrue(error(dir, ok + "} {\"request_id\": \"b\"}").contains("content after the first document"));
        // a null or empty selector would crash or select everything
        String none = "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": ";
        assertTrue(error(dir, none + "{\"entities\": [null]}}").contains("selectors.entities[0]: expected a string, found null"));
        assertTrue(error(dir, none + "{\"regexes\": [\"x\", null]}}").contains("selectors.regexes[1]: expected a string"));
        assertTrue(error(dir, none + "{\"exact_strings\": [\" \"]}}").contains("selectors.exact_strings[0]: expected a"));
        String quoted = error(dir, ok + ", \"thresholds\": {\"mia_auc_band\": \"0.1\"}}");
        assertTrue(quoted.contains("thresholds.mia_auc_band"), quoted);
        // nor a string written as a number or boolean: the audit log would record "5" for 5
        String number = error(dir, "{\"request_id\": 5, \"subject\": \"x\", \"selectors\": {\"entities\": [\"x\"]}}");
        assertTrue(number.contains("request_id"), number);
        String flag = error(dir, none + "{\"entities\": [true]}}");
        assertTrue(flag.contains("selectors.entities[0]"), flag);
        assertTrue(error(dir, "{\"request_id\": \"a\", \"subject\": 1.5, \"selectors\": {\"entities\": [\"x\"]}}")
                .contains("subject"));
        String train = "{\"request_id\": \"a\", \"subject\": \"x\", \"selectors\": {\"entities\": [\"x\"]}, \"train\": ";
        String u = error(dir, train + "{\"lr\": 0.001, \"learningrate\": 1}}");
        assertTrue(u.contains("train.learningrate") && u.contains("grad_accum"), u);
        assertTrue(error(dir, train + "{\"grad_accum\": 0}}").contains("train.grad_accum"));
    }

    /** A request names only a policy; the policy's {@code train} binds into the one settings type. */
    @Test
    void trainIsTheOneSettingsType(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("policies.yaml");
        Files.writeString(f, """
                policies:
                  accum:
                    method: npo
                    train: {lr: 0.001, max_steps: 8, grad_accum: 2, max_grad_norm: 0.5, attention_mask: pad_token}
                    thresholds: {max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,
                                 max_extraction_rate: 0.2, max_utility_drop: 0.3}
                """);
        TrainSettings t = PolicySet.load(f).named("accum").train();
        assertEquals(TrainSettings.DEFAULTS.with(java.util.Map.of("lr", 0.001, "max_steps", 8, "grad_accum", 2,
                "max_grad_norm", 0.5, "attention_mask", "pad_token")), t);
        assertEquals(24, RequestPolicy.named("standard").train().maxSteps());
        assertEquals(TrainSettings.DEFAULTS.maxGradNorm(), RequestPolicy.named("standard").train().maxGradNorm());
    }
    /** {@code verify_every}: off unless given, on in the built-ins, a positive step count, and only for methods that train. */
    @Test
    void verifyEveryIsAStepCountForTrainingMethods(@TempDir Path dir) throws Exception {
        String thresholds = "    thresholds: {max_forget_probability: 0.3, max_forget_rouge: 0.7, mia_auc_band: 0.25,"
                + " max_extraction_rate: 0.2, max_utility_drop: 0.3}\n";
        Path f = dir.resolve("policies.yaml");
        Files.writeString(f, "policies:\n  checked:\n    method: npo\n    train: {lr: 0.001, max_steps: 12}\n" + thresholds
                + "    verify_every: 3\n  plain:\n    method: npo\n    train: {lr: 0.001}\n" + thresholds);
        PolicySet set = PolicySet.load(f);
        assertEquals(3, set.named("checked").verifyEvery());
        assertEquals(0, set.named("plain").verifyEvery());
        assertTrue(!set.named("plain").verifiesDuringTraining());
        assertEquals(1, RequestPolicy.named("standard").verifyEvery());
        assertEquals(1, RequestPolicy.named("strict").verifyEvery());

        Files.writeString(f, "policies:\n  zero:\n    method: npo\n    train: {lr: 0.001}\n" + thresholds + "    verify_every: 0\n");
        String zero = assertThrows(InvalidInputException.class, () -> PolicySet.load(f)).getMessage();
        assertTrue(zero.contains("policies.zero.verify_every") && zero.contains(">= 1") && zero.contains(f.toString()), zero);

        Files.writeString(f, "policies:\n  text:\n    method: npo\n    train: {lr: 0.001}\n" + thresholds + "    verify_every: \"4\"\n");
        String text = assertThrows(InvalidInputException.class, () -> PolicySet.load(f)).getMessage();
        assertTrue(text.contains("verify_every"), text);

        Files.writeString(f, "policies:\n  edit:\n    method: ssd\n    train: {lr: 0.001}\n" + thresholds + "    verify_every: 2\n");
        String edit = assertThrows(InvalidInputException.class, () -> PolicySet.load(f)).getMessage();
        assertTrue(edit.contains("policies.edit.verify_every") && edit.contains("edits weights directly"), edit);

        // a key without a value is refused, not read as the default: 'lr:' is no stated rate
        Files.writeString(f, "policies:\n  bare:\n    method: npo\n    train: {lr: , max_steps: 12}\n" + thresholds
                + "    verify_every:\n");
        String bare = assertThrows(InvalidInputException.class, () -> PolicySet.load(f)).getMessage();
        assertTrue(bare.contains("policies.bare.train.lr: no value") && bare.contains("policies.bare.verify_every: no value"),
                bare);
    }
}
