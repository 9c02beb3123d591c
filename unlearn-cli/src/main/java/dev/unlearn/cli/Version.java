package dev.unlearn.cli;

import dev.unlearn.core.BuildInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.IVersionProvider;

/** Version string: the toolkit's version and build id, and the library versions, all read at run time. */
public class Version implements IVersionProvider {
    /** The toolkit's version, also written into manifests and audit records ({@link BuildInfo}). */
    public static String tool() {
        return BuildInfo.current().version();
    }

    @Override
    public String[] getVersion() {
        BuildInfo b = BuildInfo.current();
        Map<String, String> lib = BuildInfo.libraries();
        List<String> lines = new ArrayList<>(List.of(
                "unlearn " + b.version() + " (build " + b.buildId().substring(0, 12) + ")",
                "Java " + lib.get("java") + ", DJL " + lib.get("djl") + ", PyTorch " + lib.get("pytorch") + ", " + lib.get("os")));
        if (lib.containsKey("mkl_cpu_dispatch")) {
            lines.add("MKL kernel dispatch: " + lib.get("mkl_cpu_dispatch"));
        }
        return lines.toArray(new String[0]);
    }
}
