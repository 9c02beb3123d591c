package dev.unlearn.eval.tofu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregation step on logs written here from spec vectors A2, A3 and A4. Expected values: the
 * body of {@code aggregate_eval_stat.py} (numpy 2.4, scipy 1.17.1) run on the same numbers.
 */
class TofuAggregationTest {
    @TempDir
    Path tmp;

    static final Object[][] EXPECTED = {
        {"ROUGE Real Authors", 0.8}, {"Prob. Real Authors", 0.3558892677281638}, {"Truth Ratio Real Authors", 0.3725223019867451},
        {"ROUGE Real World", 0.7333333333333334}, {"Prob. Real World", 0.3289067521079408}, {"Truth Ratio Real World", 0.25443293435206005},
        {"ROUGE Retain", 0.7166666666666667}, {"Prob. Retain", 0.4156690500020324}, {"Truth Ratio Retain", 0.18355701196092608},
        {"ROUGE Forget", 0.925}, {"Prob. Forget", 0.7836766094578247}, {"Truth Ratio Forget", 0.673071927403418},
        {"Model Utility", 0.3699502723588722}, {"Forget Quality", 0.7714285714285716}, {"KS Test Forget", 0.5},
        {"KS Test PVal Forget", 0.7714285714285716},
    };

    static TofuTaskLog log(TofuTask t, double[] gt, double[] para, double[][] pert, double[] rougeL, String questionPrefix) {
        TreeMap<Integer, TofuSampleLog> s = new TreeMap<>();
        for (int i = 0; i < gt.length; i++) {
            AnswerLoss[] p = new AnswerLoss[pert[i].length];
            for (int j = 0; j < p.length; j++) {
                p[j] = new AnswerLoss(pert[i][j] * 5, 5, pert[i][j]);
            }
            s.put(i, new TofuSampleLog(new AnswerLoss(gt[i] * 7, 7, gt[i]),
                    new String[] {questionPrefix + i, "generated " + i, "truth " + i}, rougeL[i], rougeL[i],
                    new AnswerLoss(para[i] * 6, 6, para[i]), p));
        }
        return TofuTaskLog.fromSamples(t, s);
    }

    static Map<TofuTask, TofuTaskLog> modelLogs() {
        Map<TofuTask, TofuTaskLog> m = new EnumMap<>(TofuTask.class);
        m.put(TofuTask.RETAIN, log(TofuTask.RETAIN, new double[] {0.25, 1.10, 2.00}, new double[] {1.5, 0.7, 2.2},
                new double[][] {{2.0, 2.5, 1.8, 3.0, 2.2}, {0.6, 0.9, 0.5, 0.8, 0.7}, {2.0, 2.1, 2.3, 1.9, 2.4}}, new double[] {0.9, 0.5, 0.75}, "r"));
        m.put(TofuTask.REAL_AUTHORS, log(TofuTask.REAL_AUTHORS, new double[] {0.9, 2.3}, new double[] {0.9, 2.3},
                new double[][] {{1.2, 2.5, 3.1}, {2.0, 1.9, 2.8}}, new double[] {1.0, 0.6}, "a"));
        m.put(TofuTask.REAL_WORLD, log(TofuTask.REAL_WORLD, new double[] {0.3, 1.7, 0.8}, new double[] {0.3, 1.7, 0.8},
                new double[][] {{1.0, 2.0, 1.5}, {1.2, 1.9, 2.2}, {0.7, 0.9, 0.6}}, new double[] {0.8, 0.4, 1.0}, "w"));
        m.put(TofuTask.FORGET, forget(new double[] {0.2, 0.3, 0.1, 0.4}, TofuFormulasTest.PARA, TofuFormulasTest.PERT));
        return m;
    }

    static TofuTaskLog forget(double[] gt, double[] para, double[][] pert) {
        return log(TofuTask.FORGET, gt, para, pert, new double[] {0.95, 0.9, 1.0, 0.85}, "f");
    }

    static TofuTaskLog retainForget() {
        return forget(new double[] {1, 1, 1, 1}, new double[] {2.0, 1.0, 1.5, 2.5},
                new double[][] {{2.1, 2.0, 1.9, 2.2, 2.3}, {1.1, 0.9, 1.3, 1.0, 0.8}, {1.4, 1.6, 1.5, 1.7, 1.2}, {2.4, 2.6, 2.2, 2.5, 2.7}});
    }

    @Test
    void reproducesReferenceScriptFromFourFilesAndAggregatedFile() {
        Path model = tmp.resolve("model");
        for (TofuTaskLog l : modelLogs().values()) {
            TofuLogs.writeTask(model, l);
        }
        Path retain = tmp.resolve("retain").resolve(TofuLogs.AGGREGATED);
        TofuLogs.writeAggregated(retain, Map.of(TofuTask.FORGET, retainForget()));
        Map<String, Double> out = TofuAggregation.aggregate(model, retain);
        assertEquals(TofuAggregation.KEYS, List.copyOf(out.keySet()));
        for (Object[] e : EXPECTED) {
            double exp = (double) e[1];
            double got = out.get((String) e[0]);
            assertTrue(Math.abs(exp - got) <= 2e-15 * Math.abs(exp), e[0] + ": expected " + exp + " got " + got);
        }
    }

    @Test
    void csvHasTheLeaderboardColumns() {
        Map<String, Double> out = TofuAggregation.aggregate(modelLogs(), Map.of(TofuTask.FORGET, retainForget()), true);
        String csv = TofuAggregation.toCsv(out, "temp", "john");
        String[] lines = csv.split("\r\n");
        assertEquals(String.join(",", TofuAggregation.CSV_COLUMNS), lines[0]);
        assertTrue(lines[1].startsWith("0.8,0.3558892677281638,"), lines[1]);
        assertTrue(lines[1].endsWith(",temp,john"), lines[1]);
        assertEquals(16, TofuAggregation.CSV_COLUMNS.size());
    }

    @Test
    void forgetSplitCompatibility() {
        Map<TofuTask, TofuTaskLog> model = modelLogs();
        TofuTaskLog three = log(TofuTask.FORGET, new double[] {1, 1, 1}, new double[] {1, 2, 3},
                new double[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}}, new double[] {1, 1, 1}, "f");
        assertThrows(InvalidInputException.class, () -> TofuAggregation.aggregate(model, Map.of(TofuTask.FORGET, three), true));
        // Not strict: warns and tests the unequal samples.
        assertEquals(1, ForgetSplitCheck.check(model.get(TofuTask.FORGET), three, false).size());
        TofuTaskLog otherQuestions = log(TofuTask.FORGET, new double[] {1, 1, 1, 1}, new double[] {1, 2, 3, 4},
                TofuFormulasTest.PERT, new double[] {1, 1, 1, 1}, "different question ");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TofuAggregation.aggregate(model, Map.of(TofuTask.FORGET, otherQuestions), false));
        assertTrue(e.getMessage().contains("question of sample 0"), e.getMessage());
    }

    @Test
    void missingTaskIsNamed() throws Exception {
        Map<TofuTask, TofuTaskLog> model = modelLogs();
        model.remove(TofuTask.REAL_WORLD);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TofuAggregation.aggregate(model, Map.of(TofuTask.FORGET, retainForget()), false));
        assertTrue(e.getMessage().contains("eval_real_world_wo_options.json"), e.getMessage());
        Files.createDirectories(tmp.resolve("empty"));
        assertThrows(InvalidInputException.class, () -> TofuLogs.read(tmp.resolve("empty")));
    }
}
