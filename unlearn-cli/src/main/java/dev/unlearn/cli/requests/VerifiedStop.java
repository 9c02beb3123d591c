package dev.unlearn.cli.requests;

import dev.unlearn.core.model.CausalLm;
import dev.unlearn.core.train.TrainingLoop;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verification while a request's unlearning trains (a policy's {@code verify_every}): every {@code every}
 * optimizer steps it measures the request's figures on the model as it stands and applies the request's
 * acceptance checks ({@link RequestVerifier#checks}); the first step where every check passes ends the
 * training. That step is the least training, at this granularity, that verifies, so the run neither stops
 * short of the thresholds nor goes on to over-forget (a forget set that has become less likely than
 * never-seen data fails the membership-inference check as surely as one still remembered). A run that
 * never passes trains every planned step and is judged on the last.
 *
 * <p>What it saw goes into the audit entry ({@link #summary}): the interval, each measured step with the
 * names of the checks that failed there and its figures, and the step it stopped at. Figures only, no
 * record text. LoRA dropout is off while it measures, as in the final verification.
 */
final class VerifiedStop implements TrainingLoop.Listener {
    private final int every;
    private final CausalLm model;
    private final RequestVerifier verifier;
    private final RequestVerifier.Figures before;
    private final DeletionRequest.Thresholds thresholds;
    private final PrintWriter log;
    private final List<Map<String, Object>> measured = new ArrayList<>();
    private Long stoppedAt;

    VerifiedStop(int every, CausalLm model, RequestVerifier verifier, RequestVerifier.Figures before,
            DeletionRequest.Thresholds thresholds, PrintWriter log) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1, found " + every);
        }
        this.every = every;
        this.model = model;
        this.verifier = verifier;
        this.before = before;
        this.thresholds = thresholds;
        this.log = log;
    }

    @Override
    public boolean stopAfter(TrainingLoop.StepRecord rec) {
        if (rec.step() % every != 0) {
            return false;
        }
        // measured as the final verification will measure the model: LoRA dropout off (the loop turns it on)
        dev.unlearn.core.model.LoraAdapters adapters = model.adapters();
        boolean dropout = adapters != null && adapters.training();
        RequestVerifier.Figures now;
        try {
            if (dropout) {
                adapters.setTraining(false);
            }
            now = verifier.measure(model);
        } finally {
            if (dropout) {
                adapters.setTraining(true);
            }
        }
        List<String> failed = new ArrayList<>();
        for (RequestVerifier.Check c : RequestVerifier.checks(before, now, thresholds)) {
            if (!c.pass()) {
                failed.add(c.name());
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", rec.step());
        m.put("failed", failed);
        m.put("figures", now.asMap());
        measured.add(m);
        boolean pass = failed.isEmpty();
        log.printf("verify at step %d of %d: %s%n", rec.step(), rec.totalSteps(),
                pass ? "every check passes, training stops" : "fails " + String.join(", ", failed));
        log.flush();
        if (pass) {
            stoppedAt = rec.step();
        }
        return pass;
    }

    /** {@code every}, {@code measured} (step, failed checks and figures of each measurement) and {@code stopped_at} (null: ran every step). */
    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("every", every);
        s.put("measured", measured);
        s.put("stopped_at", stoppedAt);
        return s;
    }
}
