package dev.unlearn.core.io;

import dev.unlearn.core.UnlearnException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** SHA-256 digests (lowercase hex) of bytes, files and directory trees, for manifests and cache keys. */
public final class Digests {
    private Digests() {}

    /** SHA-256 of bytes. */
    public static String sha256(byte[] data) {
        MessageDigest md = newDigest();
        return HexFormat.of().formatHex(md.digest(data));
    }

    /** SHA-256 of a file's content (streamed). */
    public static String sha256(Path file) {
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
        } catch (IOException ex) {
            throw new UnlearnException("cannot read " + file + " to digest it: " + ex.getMessage(), ex);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Digest of every regular file under {@code dir}: relative path ('/' separators) to SHA-256, sorted
     * by path. Files named in {@code exclude} (relative paths) are skipped.
     */
    public static Map<String, String> directoryManifest(Path dir, String... exclude) {
        List<String> skip = List.of(exclude);
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(Files::isRegularFile).collect(Collectors.toList());
            Map<String, String> out = new TreeMap<>();
            for (Path f : files) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                if (!skip.contains(rel)) {
                    out.put(rel, sha256(f));
                }
            }
            return out;
        } catch (IOException ex) {
            throw new UnlearnException("cannot list " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** One digest for a directory: SHA-256 over its manifest lines {@code "<sha256>  <path>\n"}. */
    public static String sha256Directory(Path dir, String... exclude) {
        StringBuilder sb = new StringBuilder();
        directoryManifest(dir, exclude).forEach((k, v) -> sb.append(v).append("  ").append(k).append('\n'));
        return sha256(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new UnlearnException("SHA-256 unavailable in this JVM", ex);
        }
    }
}
