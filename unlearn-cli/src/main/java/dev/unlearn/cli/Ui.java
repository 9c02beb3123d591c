package dev.unlearn.cli;

import dev.unlearn.core.Progress;
import dev.unlearn.core.train.TrainingLoop;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command tells the user on stderr besides its result: info lines and progress bars with an
 * ETA. {@code -q} silences both. On a terminal a bar is redrawn in place; otherwise (tests, CI, a
 * pipe) a plain line is printed every {@link #PLAIN_INTERVAL_MS} ms and when a stage ends. Every line
 * has its control characters escaped ({@link Texts#printable}): stage details may carry record text.
 * One bar at a time: a new stage name ends the previous bar.
 */
public final class Ui implements Progress, AutoCloseable {
    /** Interval of the plain progress lines when stderr is not a terminal. */
    public static final int PLAIN_INTERVAL_MS = 10_000;
    private static final int INTERACTIVE_INTERVAL_MS = 250;
    private static final int PLAIN_WIDTH = 110;

    private final PrintWriter err;
    private final boolean quiet;
    private final boolean interactive;
    private ProgressBar bar;
    private String barStage;

    public Ui(PrintWriter err, boolean quiet, boolean interactive) {
        this.err = err;
        this.quiet = quiet;
        this.interactive = interactive;
    }

    /** The stderr output of {@code spec}'s command line with its {@code -q} and terminal settings. */
    public static Ui of(CommandSpec spec) {
        boolean tty = spec.root().userObject() instanceof UnlearnCommand u && u.interactive;
        return new Ui(spec.commandLine().getErr(), GlobalOptions.of(spec).quiet, tty);
    }

    public boolean quiet() {
        return quiet;
    }

    /** Prints one info line (a format, as {@link String#format}) unless {@code -q}. */
    public synchronized void info(String format, Object... args) {
        if (quiet) {
            return;
        }
        String line = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        if (bar != null && interactive) {
            err.print("\r");
        }
        err.println(safe(line));
        err.flush();
    }

    @Override
    public synchronized void update(String stage, long done, long total, String detail) {
        if (quiet) {
            return;
        }
        if (bar == null || !stage.equals(barStage)) {
            endBar();
            bar = newBar(stage, done, Math.max(total, 1));
            barStage = stage;
        }
        if (bar.getMax() != total && total > 0) {
            bar.maxHint(total);
        }
        bar.stepTo(Math.max(0, done));
        bar.setExtraMessage(detail == null ? "" : safe(detail));
        if (done >= total) {
            endBar();
        }
    }

    /** A training-loop listener that draws the steps of {@code stage} (with loss and learning rate) as a bar. */
    public TrainingLoop.Listener training(String stage) {
        return new TrainingLoop.Listener() {
            @Override
            public void onStep(TrainingLoop.StepRecord r) {
                update(stage, r.step(), r.totalSteps(), String.format(Locale.ROOT, "loss %.4f lr %.3g%s", r.loss(),
                        r.learningRate(), r.skipped() ? " SKIPPED (NaN/Inf)" : ""));
            }
        };
    }

    /** Ends the current bar, if any (its last state stays on screen). */
    @Override
    public synchronized void close() {
        endBar();
    }

    private void endBar() {
        if (bar != null) {
            bar.close();
            bar = null;
            barStage = null;
            err.flush();
        }
    }

    private ProgressBar newBar(String stage, long done, long total) {
        ProgressBarConsumer consumer = interactive ? new ConsoleProgressBarConsumer(System.err)
                : new DelegatingProgressBarConsumer(new java.util.function.Consumer<String>() {
                    private String last;

                    @Override
                    public void accept(String line) {
                        String l = line.stripTrailing();
                        if (!l.equals(last)) { // the bar renders once more when it closes
                            err.println(l);
                            err.flush();
                            last = l;
                        }
                    }
                }, PLAIN_WIDTH);
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(safe(stage)).setInitialMax(total)
                .setConsumer(consumer).setUpdateIntervalMillis(interactive ? INTERACTIVE_INTERVAL_MS : PLAIN_INTERVAL_MS)
                .setStyle(interactive && System.getenv("NO_COLOR") == null ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK
                        : ProgressBarStyle.ASCII);
        if (done > 0) {
            b.startsFrom(done, Duration.ZERO); // a resumed run: the ETA counts only what is left
        }
        return b.build();
    }

    private static String safe(String s) {
        return Texts.printable(s);
    }
}
