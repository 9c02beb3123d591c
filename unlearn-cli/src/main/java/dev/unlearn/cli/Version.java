package dev.unlearn.cli;

import picocli.CommandLine.IVersionProvider;

/** Version string: the tool, Java, DJL and libtorch versions. */
public class Version implements IVersionProvider {
    /** The toolkit's version, also written into manifests and audit records. */
    public static String tool() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "unlearn " + tool(),
            "Java " + System.getProperty("java.version") + ", DJL 0.36.0, PyTorch 2.7.1 (CPU native from Maven)"
        };
    }
}
