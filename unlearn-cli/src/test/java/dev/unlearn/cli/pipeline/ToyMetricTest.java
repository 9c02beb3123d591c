package dev.unlearn.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.synth.SynthWorld;
import dev.unlearn.eval.model.EvalData;
import dev.unlearn.eval.model.EvaluationSummary;
import dev.unlearn.eval.model.Evaluator;
import dev.unlearn.eval.model.ModelInputs;
import dev.unlearn.eval.spi.EvaluationContext;
import dev.unlearn.eval.spi.Headline;
import dev.unlearn.eval.spi.MetricResult;
import dev.unlearn.eval.spi.Metrics;
import dev.unlearn.eval.spi.Suites;
import dev.unlearn.eval.tofu.TofuTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metric plugs in with its class and a service line (test sources: {@link ToyMetric} and
 * {@code META-INF/services/dev.unlearn.eval.spi.Metric}) and then appears in its suite, the summary,
 * the per-sample values keyed by record id and the leaderboard columns, with no other file changed.
 */
class ToyMetricTest {
    @Test
    void aNewMetricAppearsInSuiteSummaryAndLeaderboard(@TempDir Path tmp) throws Exception {
        assertEquals(List.of(ToyMetric.NAME), Suites.metrics("toy"));

        new SynthWorld(10, 0).write(tmp);
        EvalData data = EvalData.load(tmp, "forget10", null);
        EvaluationContext ctx = new EvaluationContext().put(ModelInputs.DATA, data);
        Map<String, MetricResult> results = Metrics.runAvailable(Suites.metrics("toy"), ctx);
        List<String> suites = new ArrayList<>(Evaluator.DEFAULT_SUITES);
        suites.add("toy");
        EvaluationSummary summary = EvaluationSummary.from(results, Metrics.headlines(suites), false);

        double expected = data.rows(TofuTask.FORGET).stream().mapToDouble(r -> r.answer().length()).average().orElseThrow();
        assertEquals(expected, summary.value("toy_answer_chars"), 1e-9);
        assertTrue(Double.isNaN(summary.value("forget_quality")), "metrics that did not run are NaN, not absent");

        // per-sample values are keyed by the forget records' ids
        Map<String, MetricResult> keyed = Metrics.keyedByRecordId(results, data.recordIds());
        List<String> ids = data.rows(TofuTask.FORGET).stream().map(QaRecord::id).toList();
        assertEquals(ids, List.copyOf(keyed.get(ToyMetric.NAME).series("chars").keySet()));

        // the leaderboard gains the declared column, between cka_ret (rank 70) and leak
        RunPipeline.ModelRow row = new RunPipeline.ModelRow("toy", RunPipeline.UNLEARNED, "ga", tmp, summary, 1.0);
        List<Headline> cols = RunReport.columns(List.of(row));
        List<String> fields = cols.stream().map(Headline::field).toList();
        assertEquals(fields.indexOf("cka_to_retain_mean") + 1, fields.indexOf("toy_answer_chars"), fields.toString());
        String board = RunReport.leaderboard(List.of(row));
        assertTrue(board.lines().findFirst().orElseThrow().contains("toy_chars"), board);
        assertTrue(board.contains(String.format(java.util.Locale.ROOT, "%.2f", expected)), board);

        // a run without the toy suite keeps the built-in columns
        EvaluationSummary plain = EvaluationSummary.from(Map.of(), Metrics.headlines(Evaluator.DEFAULT_SUITES), false);
        RunPipeline.ModelRow other = new RunPipeline.ModelRow("full", RunPipeline.FULL, null, tmp, plain, 1.0);
        assertFalse(RunReport.columns(List.of(other)).stream().anyMatch(h -> h.field().equals("toy_answer_chars")));
        assertEquals(RunReport.COLUMNS, RunReport.columns(List.of(other)).stream().map(Headline::field).toList());
    }
}
