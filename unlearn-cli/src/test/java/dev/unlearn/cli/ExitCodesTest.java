package dev.unlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unlearn.core.InvalidInputException;
import dev.unlearn.core.UnlearnException;
import dev.unlearn.core.VerificationFailedException;
import dev.unlearn.core.train.TrainingDivergedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Every exception the commands raise maps to the documented exit code through the real handler. */
class ExitCodesTest {
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        final Exception ex;

        Boom(Exception ex) {
            this.ex = ex;
        }

        @Override
        public Integer call() throws Exception {
            throw ex;
        }
    }

    private static CliRun run(Exception ex) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = Cli.commandLine(new PrintWriter(o, true), new PrintWriter(e, true));
        cl.addSubcommand("boom", new CommandLine(new Boom(ex)));
        cl.setOut(new PrintWriter(o, true)); // reach the added subcommand too
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute("boom");
        return new CliRun(code, o.toString(), e.toString());
    }

    @Test
    void failedVerificationIsOne() {
        CliRun r = run(new VerificationFailedException("request r1 was rejected"));
        assertEquals(ExitCodes.CHECK_FAILED, r.code(), r.toString());
        assertTrue(r.err().contains("verification failed: request r1 was rejected"), r.toString());
    }

    @Test
    void badInputIsTwo() {
        assertEquals(ExitCodes.BAD_INPUT, run(new InvalidInputException("recipe r.yaml: bad key")).code());
        assertEquals(ExitCodes.BAD_INPUT, run(new NoSuchFileException("missing.json")).code());
    }

    @Test
    void usageErrorsAreTwo() {
        assertEquals(ExitCodes.BAD_INPUT, CliRun.of("--no-such-option").code());
        assertEquals(ExitCodes.BAD_INPUT, CliRun.of("forget", "--method").code());
        assertEquals(ExitCodes.BAD_INPUT, CliRun.of("forget", "--method", "npo").code(), "missing required options");
    }

    @Test
    void divergedTrainingIsInternalWithAClearMessage() {
        CliRun r = run(new TrainingDivergedException("Training stopped at step 12: 11 steps had a NaN/Inf loss"));
        assertEquals(ExitCodes.INTERNAL, r.code(), r.toString());
        assertTrue(r.err().startsWith("training diverged: Training stopped at step 12"), r.toString());
        assertTrue(!r.err().contains("verification"), r.toString());
    }

    @Test
    void baseExceptionAndCrashesAreInternal() {
        // e.g. Engines' "Could not load the PyTorch native library", or StageRunner's "stage X failed"
        CliRun lib = run(new UnlearnException("Could not load the PyTorch native library offline"));
        assertEquals(ExitCodes.INTERNAL, lib.code(), lib.toString());
        assertTrue(lib.err().contains("-x"), lib.toString());
        assertEquals(ExitCodes.INTERNAL, run(new UnlearnException("stage unlearn/npo failed: boom")).code());
        assertEquals(ExitCodes.INTERNAL, run(new IllegalStateException("bug")).code());
        assertEquals(ExitCodes.INTERNAL, run(new UnsatisfiedLinkErrorWrapper()).code());
    }

    /** A checked exception standing for an unexpected failure of the environment. */
    static final class UnsatisfiedLinkErrorWrapper extends Exception {
        UnsatisfiedLinkErrorWrapper() {
            super(new UnsatisfiedLinkError("libtorch_cpu.so"));
        }
    }

    @Test
    void everyHelpListsTheCodes() {
        for (String[] args : new String[][] {{"--help"}, {"forget", "--help"}, {"run", "--help"}, {"request", "submit", "--help"}}) {
            CliRun r = CliRun.of(args);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("Exit codes:"), String.join(" ", args) + "\n" + r);
            for (int c = 0; c <= 3; c++) {
                assertTrue(r.out().contains(" " + c + "   "), "code " + c + " in " + String.join(" ", args) + "\n" + r.out());
            }
        }
    }
}
