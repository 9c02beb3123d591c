package dev.unlearn.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and writing TOFU eval logs (spec §2.11). */
class TofuLogsTest {
    @TempDir
    Path tmp;

    @Test
    void pythonFloatRepr() {
        assertEquals("0.011960741132497787", PythonJson.floatRepr(0.011960741132497787));
        assertEquals("1.0", PythonJson.floatRepr(1.0));
        assertEquals("1e-05", PythonJson.floatRepr(1e-5));
        assertEquals("0.0001", PythonJson.floatRepr(1e-4));
        assertEquals("1e+16", PythonJson.floatRepr(1e16));
        assertEquals("1000000000000000.0", PythonJson.floatRepr(1e15));
        assertEquals("-2.5e-07", PythonJson.floatRepr(-2.5e-7));
        assertEquals("1.0250989267399929e-29", PythonJson.floatRepr(1.0250989267399929e-29));
        assertEquals("0.1", PythonJson.floatRepr(0.1));
        assertEquals("0.002", PythonJson.floatRepr(0.002));
        assertEquals("123.456", PythonJson.floatRepr(123.456));
        assertEquals("NaN", PythonJson.floatRepr(Double.NaN));
        assertEquals("-Infinity", PythonJson.floatRepr(Double.NEGATIVE_INFINITY));
    }

    @Test
    void pythonJsonLayoutAndEscapes() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.putObject("a").put("0", 1.5).put("1", 2);
        o.putArray("b").add("caf\u00e9 \u2019\"\n").add(0.5);
        o.putObject("e");
        String expected = "{\n    \"a\": {\n        \"0\": 1.5,\n        \"1\": 2\n    },\n    \"b\": [\n        \"caf\\u00e9 \\u2019\\\"\\n\",\n        0.5\n    ],\n    \"e\": {}\n}";
        assertEquals(expected, PythonJson.write(o, 4));
    }

    static TofuSampleLog sample(double gt, double para, double... pert) {
        AnswerLoss[] p = new AnswerLoss[pert.length];
        for (int j = 0; j < pert.length; j++) {
            p[j] = new AnswerLoss(pert[j] * 4, 4, pert[j]);
        }
        return new TofuSampleLog(new AnswerLoss(gt * 3, 3, gt), new String[] {"Question: q\n", "Answer: x", "y"}, 0.5, 0.25,
                new AnswerLoss(para * 2, 2, para), p);
    }

    @Test
    void writeReadRoundTripKeepsBytesAndOrder() throws Exception {
        TreeMap<Integer, TofuSampleLog> s = new TreeMap<>();
        s.put(0, sample(0.9, 0.9, 1.2, 2.5, 3.1));
        s.put(1, sample(2.3, 2.3, 2.0, 1.9, 2.8));
        TofuTaskLog log = TofuTaskLog.fromSamples(TofuTask.REAL_AUTHORS, s);
        assertEquals(TofuTaskLog.FIELDS, log.fieldNames());
        Path f = TofuLogs.writeTask(tmp, log);
        String first = Files.readString(f);
        Map<TofuTask, TofuTaskLog> back = TofuLogs.read(tmp);
        assertEquals(List.of(TofuTask.REAL_AUTHORS), List.copyOf(back.keySet()));
        TofuLogs.writeTask(tmp.resolve("again"), back.get(TofuTask.REAL_AUTHORS));
        assertEquals(first, Files.readString(tmp.resolve("again").resolve(TofuTask.REAL_AUTHORS.fileName())));
        // normalized_gt_loss = −log(p/(p+Σq)), vector A3 sample 0.
        double ngl = back.get(TofuTask.REAL_AUTHORS).scalars("normalized_gt_loss", List.of("0"))[0];
        assertEquals(0.48696921582327496, Math.exp(-ngl), 1e-15);
        // truth_ratio field = R.
        double tr = back.get(TofuTask.REAL_AUTHORS).scalars("truth_ratio", List.of("1"))[0];
        assertEquals(Math.exp(2.3 - (2.0 + 1.9 + 2.8) / 3), tr, 1e-15);
    }

    @Test
    void sampleFromGenerationComputesStemmedRecall() {
        AnswerLoss l = AnswerLoss.of("0", new double[] {-0.5, -1.5});
        TofuSampleLog s = TofuSampleLog.of(l, "[INST] q [/INST]", "The author's name is Hsiao Yun Hwa, born in Taipei.",
                "The author's full name is Hsiao Yun-Hwa.", l, l, l, l);
        assertEquals(0.888888888889, s.rougeLRecall(), 5e-13);
        assertEquals(0.888888888889, s.rouge1Recall(), 5e-13);
        assertEquals(1.0, l.mean(), 0.0);
    }

    @Test
    void nonFiniteValuesAreReadThenRejectedNamingFieldAndIndex() throws Exception {
        Files.writeString(tmp.resolve("eval_log_forget.json"),
                "{\"avg_gt_loss\": {\"0\": NaN}, \"rougeL_recall\": {\"0\": 1.0}, \"average_perturb_loss\": {\"0\": [1.0]},"
                        + " \"avg_paraphrased_loss\": {\"0\": Infinity}}");
        TofuTaskLog log = TofuLogs.read(tmp).get(TofuTask.FORGET);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> log.scalars("avg_gt_loss", log.keys()));
        assertTrue(e.getMessage().contains("avg_gt_loss[\"0\"]"), e.getMessage());
        assertTrue(e.getMessage().contains("eval_log_forget.json"), e.getMessage());
    }

    @Test
    void aggregatedFileHasTaskFileNamesAsKeys() throws Exception {
        TreeMap<Integer, TofuSampleLog> s = new TreeMap<>();
        s.put(0, sample(0.5, 0.4, 1, 1, 1, 1, 1));
        Map<TofuTask, TofuTaskLog> logs = new java.util.EnumMap<>(TofuTask.class);
        logs.put(TofuTask.FORGET, TofuTaskLog.fromSamples(TofuTask.FORGET, s));
        logs.put(TofuTask.RETAIN, TofuTaskLog.fromSamples(TofuTask.RETAIN, s));
        Path f = tmp.resolve(TofuLogs.AGGREGATED);
        TofuLogs.writeAggregated(f, logs);
        List<String> top = List.copyOf(iter(JsonMapper.builder().build().readTree(f.toFile()).fieldNames()));
        assertEquals(List.of("eval_log.json", "eval_log_forget.json"), top);
        assertEquals(2, TofuLogs.read(tmp).size(), "a directory with only the aggregated file is read through it");
        Files.writeString(tmp.resolve("bad.json"), "{\"eval_log_x.json\": {}}");
        assertThrows(InvalidInputException.class, () -> TofuLogs.read(tmp.resolve("bad.json")));
    }

    private static List<String> iter(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
