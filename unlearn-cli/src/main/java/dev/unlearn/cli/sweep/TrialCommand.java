package dev.unlearn.cli.sweep;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs {@code unlearn sweep trial OUT [INDEX]}, the one trial command of every
 * executor: the {@code bin/unlearn} launcher of this installation when this process was started by it
 * ({@code -Dunlearn.home}), else this JVM with its class path and memory settings.
 */
public final class TrialCommand {
    private TrialCommand() {}

    /** The launcher part (everything before {@code sweep trial ...}). */
    public static List<String> launcher() {
        String home = System.getProperty("unlearn.home");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "unlearn"))) {
            return List.of(Path.of(home, "bin", "unlearn").toAbsolutePath().toString());
        }
        return java(0);
    }

    /** This JVM: {@code java [memory and -D settings] -cp CLASSPATH dev.unlearn.cli.Main}; {@code heapMb > 0} sets -Xmx. */
    public static List<String> java(int heapMb) {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            boolean keep = a.startsWith("-D") || a.startsWith("-XX:") || a.startsWith("--add-opens")
                    || a.startsWith("--enable-native-access") || (a.startsWith("-Xmx") && heapMb <= 0) || a.startsWith("-Xss");
            // debugger and agent settings stay with this process
            if (keep && !a.startsWith("-Dsurefire") && !a.contains("jdwp")) {
                c.add(a);
            }
        }
        if (heapMb > 0) {
            c.add("-Xmx" + heapMb + "m");
        }
        if (c.stream().noneMatch(a -> a.startsWith("-Dai.djl.offline"))) {
            c.add("-Dai.djl.offline=true");
        }
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add("dev.unlearn.cli.Main");
        return c;
    }

    /** Quotes a word for a POSIX shell. */
    public static String shellQuote(String s) {
        if (s.matches("[A-Za-z0-9_./=:,+@%-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Words joined and quoted for a POSIX shell. */
    public static String shell(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            b.append(b.length() > 0 ? " " : "").append(shellQuote(w));
        }
        return b.toString();
    }
}
