package dev.unlearn.cli.commands;

import dev.unlearn.cli.TemplateOption;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unlearn.cli.AttentionMaskOption;
import dev.unlearn.cli.ModelCommand;
import dev.unlearn.cli.NonFiniteOption;
import dev.unlearn.core.Engines;
import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.data.QaRecord;
import dev.unlearn.core.data.TokenizedExample;
import dev.unlearn.core.io.Checkpoint;
import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.score.SampleScore;
import dev.unlearn.core.score.Scorer;
import dev.unlearn.core.score.SequenceScore;
import dev.unlearn.core.text.PromptTemplate;
import dev.unlearn.core.text.QaTokenization;
import dev.unlearn.core.text.TextTokenizer;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code unlearn score}: log-likelihood of a token sequence, or of an answer given a question. */
@Command(name = "score", mixinStandardHelpOptions = true,
        header = "Score a token sequence (or an answer given a question) under a model.",
        description = {
            "With --input-ids: sequence_logprob = sum over t of log p(ids[t+1] | ids[0..t]) and the logits at the last position.",
            "With --question/--answer: the answer's token log-probs under the prompt template (only answer tokens,",
            "plus EOS, are scored; --attention-mask applies to this form).",
            "",
            "Examples:",
            "  unlearn score --model ../shared/fixtures/stories260k --input-ids 1,461,23 --json",
            "  unlearn score --model runs/demo/finetune-full/model --question 'Where was Ada Quill born?' --answer 'In Lisbon.'"
        })
public class ScoreCommand extends ModelCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static class Input {
        @Option(names = "--input-ids", paramLabel = "IDS", description = "Comma-separated token ids.")
        String ids;

        @ArgGroup(exclusive = false)
        Qa qa;
    }

    static class Qa {
        @Option(names = "--question", required = true, paramLabel = "TEXT", description = "Question text (needs the model's tokenizer.json).")
        String question;

        @Option(names = "--answer", required = true, paramLabel = "TEXT", description = "Answer text to score.")
        String answer;
    }

    @Mixin
    TemplateOption template;

    /** Applies to --question/--answer; --input-ids are scored as given. */
    @Mixin
    AttentionMaskOption attentionMask;

    @Option(names = "--json", description = "Print JSON (always on for --input-ids).")
    boolean json;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    NonFiniteOption nonFinite;

    @Mixin
    dev.unlearn.cli.PrecisionOption precision;

    @Override
    public Integer call() throws Exception {
        Engines.pytorch();
        PrintWriter out = out();
        if (input.ids != null) {
            Options.refuseIgnored(spec, "to --question/--answer only", "--input-ids are scored as given",
                    "--template", "--attention-mask");
        }
        if (input.qa != null && input.qa.answer.isBlank()) { // as a data file's blank answer: only EOS would be scored
            throw new InvalidInputException("--answer is empty: give the answer text to score");
        }
        int vocabSize = ModelDirs.config(model.dir).vocabSize();
        // before the weights load, so that a bad id or a tokenizer of another model fails at once
        long[] ids = input.ids == null ? null : IdList.parse("--input-ids", input.ids, vocabSize);
        try (TextTokenizer tok = ids == null ? TextTokenizer.load(model.dir) : null) {
            QaTokenization qt = tok == null ? null
                    : new QaTokenization(tok, template.resolve(model.dir), 4096, attentionMask.masking());
            // the tokenizer refuses ids outside config.json's vocab_size
            TokenizedExample ex = qt == null ? null : qt.tokenize(QaRecord.of(input.qa.question, input.qa.answer));
            try (NDManager m = NDManager.newBaseManager(Engines.device(common.device));
                    CausalLm lm = ModelDirs.load(model.dir, m, nonFinite.allowed, precision.precision())) {
                ObjectNode o = JSON.createObjectNode();
                if (ids != null) {
                    SequenceScore s = Scorer.scoreIds(lm, ids);
                    o.put("sequence_logprob", s.sequenceLogprob());
                    ArrayNode a = o.putArray("last_logits");
                    for (float f : s.lastLogits()) {
                        a.add(f);
                    }
                    out.println(JSON.writeValueAsString(o));
                    return 0;
                }
                SampleScore s = Scorer.score(lm, List.of(ex), 1).get(0);
                o.put("sum_nll", s.sumNll());
                o.put("mean_nll", s.meanNll());
                o.put("probability", Math.exp(-s.meanNll()));
                o.put("token_count", s.tokenCount());
                ArrayNode lp = o.putArray("token_logprobs");
                for (double d : s.tokenLogProbs()) {
                    lp.add(d);
                }
                ArrayNode toks = o.putArray("scored_tokens");
                qt.explain(ex).stream().filter(QaTokenization.Token::scored).forEach(t -> toks.add(t.text()));
                if (json) {
                    out.println(JSON.writeValueAsString(o));
                } else {
                    out.printf("answer tokens scored: %d %s%nmean NLL %.4f  probability %.4f  sum NLL %.4f%n",
                            s.tokenCount(), toks, s.meanNll(), Math.exp(-s.meanNll()), s.sumNll());
                }
                return 0;
            }
        } catch (IllegalArgumentException ex) {
            throw new InvalidInputException(ex.getMessage(), ex);
        }
    }
}
