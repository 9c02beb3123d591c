package dev.unlearn.core.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Terminal progress: step, loss, learning rate, tokens per second and ETA. On a terminal the line is
 * rewritten in place ({@code \r}); otherwise a plain line is printed every {@code every} steps and at
 * the last step. Progress is not logging: it never goes through slf4j.
 */
final class ProgressReporter {
    private final PrintStream out;
    private final int every;
    private final boolean tty;

    ProgressReporter(PrintStream out, int every) {
        this.out = out;
        this.every = every;
        this.tty = (out == System.out || out == System.err) && System.console() != null;
    }

    void report(long step, long total, double loss, double lr, double tokensPerSecond, double etaSeconds, boolean skipped) {
        if (out == null) {
            return;
        }
        boolean last = step == total;
        if (!tty && step % every != 0 && !last && !skipped) {
            return;
        }
        long eta = Math.round(Math.max(0, etaSeconds));
        String line = String.format(Locale.ROOT, "step %d/%d  loss %.4f  lr %.3g  %.0f tok/s  eta %d:%02d:%02d%s", step,
                total, loss, lr, tokensPerSecond, eta / 3600, (eta / 60) % 60, eta % 60, skipped ? "  SKIPPED (NaN/Inf)" : "");
        if (tty) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
