package dev.unlearn.core;

import dev.unlearn.core.io.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What code is running, read at run time: the toolkit's version (written into
 * {@code dev/unlearn/core/build.properties} by Maven resource filtering), a <em>build id</em> and the
 * versions of the libraries that compute the numbers.
 *
 * <p>The build id is the SHA-256 over every class and resource under {@code dev/unlearn/} that the
 * class loader sees (class directories of a development build or the entries of the jar), each as
 * {@code path NUL sha256(content) NUL}, sorted by path: any change to the toolkit's compiled code gives
 * a new id, a rebuild of unchanged sources the same one (javac output is deterministic). It does not
 * depend on file times, the checkout's location or git, so it works from a jar, a source tree or a
 * tarball alike.
 *
 * <p>Library versions come from the libraries themselves: DJL from {@code ai/djl/engine/api.properties}
 * (its {@code Engine.getDjlVersion()}), libtorch from DJL's {@code pytorch-engine.properties} (the
 * native version the engine loads), Jackson from its {@code PackageVersion}; Java and the OS from
 * system properties.
 */
public final class BuildInfo {
    private static volatile BuildInfo current;

    private final String version;
    private final String buildId;

    /** A build described by hand (tests; a stage runner told which build it is). */
    public BuildInfo(String version, String buildId) {
        this.version = version;
        this.buildId = buildId;
    }

    /** The running build (computed once). */
    public static BuildInfo current() {
        BuildInfo b = current;
        if (b == null) {
            synchronized (BuildInfo.class) {
                if (current == null) {
                    current = new BuildInfo(readVersion(), codeDigest(BuildInfo.class.getClassLoader(), "dev/unlearn/"));
                }
                b = current;
            }
        }
        return b;
    }

    /** The toolkit's version ({@code 0.1.0-SNAPSHOT}), or {@code unknown} when the build wrote none. */
    public String version() {
        return version;
    }

    /** SHA-256 (hex) of the toolkit's compiled code, see the class comment. */
    public String buildId() {
        return buildId;
    }

    /** Versions of the libraries that compute results, read from their own metadata. */
    public static Map<String, String> libraries() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        v.put("djl", property("ai/djl/engine/api.properties", "djl_version"));
        v.put("pytorch", property("pytorch-engine.properties", "pytorch_version"));
        v.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        String dispatch = mklDispatch(procSelfMaps());
        if (dispatch != null) {
            v.put("mkl_cpu_dispatch", dispatch);
        }
        return v;
    }

    /** The file name of the MKL-on-AMD shim that {@code bin/unlearn} preloads with {@code UNLEARN_MKL_AMD=1}. */
    static final String MKL_AMD_SHIM = "libunlearn_mkl_amd.so";

    /**
     * How MKL picks its kernels when that differs from its default: {@code "cpuid (MKL-on-AMD shim
     * preloaded)"} when the process's memory map ({@code /proc/self/maps} text) holds the shim, else null
     * (MKL's own dispatch; nothing is recorded, so manifests without the shim stay as they were).
     */
    static String mklDispatch(String maps) {
        boolean mapped = maps != null && maps.lines().anyMatch(l -> l.endsWith("/" + MKL_AMD_SHIM));
        return mapped ? "cpuid (MKL-on-AMD shim preloaded)" : null;
    }

    private static String procSelfMaps() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/maps"));
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }

    private static String readVersion() {
        return property("dev/unlearn/core/build.properties", "version");
    }

    /** A key of a properties resource on the class path, or {@code unknown}. */
    static String property(String resource, String key) {
        ClassLoader cl = BuildInfo.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty(key);
            return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v.trim();
        } catch (IOException ex) {
            return "unknown";
        }
    }

    /**
     * SHA-256 over the files below {@code prefix} (a package path ending in {@code /}) in every class
     * directory or jar of {@code cl}; see the class comment.
     */
    public static String codeDigest(ClassLoader cl, String prefix) {
        Map<String, String> files = new TreeMap<>();
        try {
            for (URL u : Collections.list(cl.getResources(prefix))) {
                if ("file".equals(u.getProtocol())) {
                    Path root = Path.of(u.toURI());
                    files.putAll(directoryDigests(root, prefix));
                } else if ("jar".equals(u.getProtocol())) {
                    JarURLConnection c = (JarURLConnection) u.openConnection();
                    c.setUseCaches(false);
                    try (JarFile jar = new JarFile(c.getJarFileURL().toURI().getPath())) {
                        for (JarEntry e : Collections.list(jar.entries())) {
                            if (!e.isDirectory() && e.getName().startsWith(prefix)) {
                                try (InputStream in = jar.getInputStream(e)) {
                                    files.put(e.getName(), sha256(in.readAllBytes()));
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the toolkit's classes to compute the build id", ex);
        } catch (URISyntaxException ex) {
            throw new IllegalStateException(ex);
        }
        return digestOf(files);
    }

    /** {@code prefix + relative path} to SHA-256 of every regular file under {@code root}. */
    public static Map<String, String> directoryDigests(Path root, String prefix) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(paths::add);
        }
        for (Path p : paths) {
            out.put(prefix + root.relativize(p).toString().replace('\\', '/'), sha256(Files.readAllBytes(p)));
        }
        return out;
    }

    /** The build id of a path-to-digest table: SHA-256 of {@code path NUL digest NUL ...} in path order. */
    public static String digestOf(Map<String, String> files) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(files).forEach((k, v) -> sb.append(k).append('\0').append(v).append('\0'));
        return sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] b) {
        return Digests.sha256(b);
    }

    @Override
    public String toString() {
        return "unlearn " + version + " (build " + buildId.substring(0, Math.min(12, buildId.length())) + ")";
    }
}
