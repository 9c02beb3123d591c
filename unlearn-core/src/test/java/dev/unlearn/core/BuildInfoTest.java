package dev.unlearn.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildInfoTest {
    @Test
    void versionComesFromTheBuildAndLibraryVersionsFromTheLibraries() {
        BuildInfo b = BuildInfo.current();
        assertTrue(b.version().matches("\\d+\\.\\d+\\.\\d+.*"), b.version());
        assertTrue(b.buildId().matches("[0-9a-f]{64}"), b.buildId());
        assertEquals(b.buildId(), BuildInfo.codeDigest(BuildInfo.class.getClassLoader(), "dev/unlearn/"), "stable");
        Map<String, String> lib = BuildInfo.libraries();
        assertEquals(Engine.getDjlVersion(), lib.get("djl"));
        assertEquals(Engines.pytorch().getVersion(), lib.get("pytorch"), "the native version the engine loaded");
        assertTrue(lib.get("java").startsWith(System.getProperty("java.version")), lib.toString());
    }

    @Test
    void theMklShimIsRecordedOnlyWhenMapped() {
        String plain = "7f00-7f10 r-xp 00000000 08:01 12 /root/.djl.ai/pytorch/2.7.1/libtorch_cpu.so\n";
        assertEquals(null, BuildInfo.mklDispatch(plain));
        assertEquals(null, BuildInfo.mklDispatch(null));
        assertEquals(null, BuildInfo.mklDispatch(plain + "7f20-7f30 r-xp 0 08:01 13 /tmp/x/libunlearn_mkl_amd.so.bak\n"));
        String shim = plain + "7f20-7f30 r-xp 00000000 08:01 13 /work/unlearn/target/native/libunlearn_mkl_amd.so\n";
        assertEquals("cpuid (MKL-on-AMD shim preloaded)", BuildInfo.mklDispatch(shim));
        if (!System.getenv().getOrDefault("LD_PRELOAD", "").contains("libunlearn_mkl_amd")) {
            assertEquals(null, BuildInfo.libraries().get("mkl_cpu_dispatch"), "not preloaded here");
        }
    }

    @Test
    void buildIdChangesWithAnyClassAndOnlyWithContent(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a/dev/unlearn/x");
        Files.createDirectories(a);
        Files.write(a.resolve("A.class"), new byte[] {1, 2, 3});
        Files.write(a.resolve("B.class"), new byte[] {4});
        String before = digest(tmp.resolve("a"));
        Path b = tmp.resolve("b/dev/unlearn/x");
        Files.createDirectories(b);
        Files.write(b.resolve("B.class"), new byte[] {4});
        Files.write(b.resolve("A.class"), new byte[] {1, 2, 3});
        assertEquals(before, digest(tmp.resolve("b")), "same content elsewhere, written in another order: same id");
        Files.write(a.resolve("A.class"), new byte[] {1, 2, 4});
        assertNotEquals(before, digest(tmp.resolve("a")), "one changed byte");
    }

    private static String digest(Path root) throws Exception {
        try (URLClassLoader cl = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            return BuildInfo.codeDigest(cl, "dev/unlearn/");
        }
    }
}
