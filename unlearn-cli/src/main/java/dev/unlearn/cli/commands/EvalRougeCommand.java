package dev.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.unlearn.cli.BaseCommand;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.io.ParseErrors;
import dev.unlearn.eval.rouge.RougeBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code unlearn eval rouge}: ROUGE of (prediction, reference) pairs exactly as the {@code rouge_score}
 * package computes it (spec §1.6), one JSON line per input line.
 */
@Command(
        name = "rouge",
        mixinStandardHelpOptions = true,
        header = "ROUGE-L/ROUGE-1 of prediction/reference pairs (rouge_score semantics, Porter stemming).",
        description = {
            "Reads JSON Lines with fields \"prediction\" and \"reference\" and prints, per line, one JSON object with",
            "rougeL_recall, rouge1_recall, rougeL_precision and rougeL_f1 (reference = ROUGE target). Blank lines are skipped."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  echo '{\"prediction\":\"The author is Hsiao Yun Hwa.\",\"reference\":\"The author's name is Hsiao Yun-Hwa.\"}' > pairs.jsonl",
            "  unlearn eval rouge --input pairs.jsonl",
            "  unlearn eval rouge --input muse_pairs.jsonl --no-stem    # MUSE original (no stemming)"
        })
public class EvalRougeCommand extends BaseCommand {
    @Option(names = "--input", required = true, paramLabel = "PAIRS.jsonl", description = "JSON Lines file of {\"prediction\", \"reference\"} objects.")
    Path input;

    @Option(names = "--no-stem", description = "Turn Porter stemming off (MUSE original); TOFU and open-unlearning stem.")
    boolean noStem;

    /** One pair per line: a key given twice or content after the object is an error, not a silent choice. */
    private static final com.fasterxml.jackson.databind.ObjectMapper PAIR = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public Integer call() {
        List<String> lines;
        try {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + input + ": " + e.getMessage(), e);
        }
        List<RougeBatch.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode n;
            try {
                n = PAIR.readTree(line);
            } catch (IOException e) {
                throw new InvalidInputException(input + " line " + (i + 1) + " is not JSON: " + ParseErrors.message(e), e);
            }
            if (n == null || !n.isObject() || !n.path("prediction").isTextual() || !n.path("reference").isTextual()) {
                throw new InvalidInputException(input + " line " + (i + 1)
                        + " needs string fields \"prediction\" and \"reference\", found " + line);
            }
            pairs.add(new RougeBatch.Pair(n.get("prediction").asText(), n.get("reference").asText()));
        }
        if (pairs.isEmpty()) {
            throw new InvalidInputException(input + " holds no pairs: give one {\"prediction\", \"reference\"} object per line");
        }
        for (Map<String, Double> s : RougeBatch.score(pairs, !noStem)) {
            result(EvalJson.line(s));
        }
        return 0;
    }
}
