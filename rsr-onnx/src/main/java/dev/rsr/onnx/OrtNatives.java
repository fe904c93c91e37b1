package dev.rsr.onnx;

import dev.rsr.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads ONNX Runtime's native libraries from a per-user cache instead of letting ONNX Runtime
 * copy them into a fresh temporary directory on every start: that directory (about 20 MB while
 * the process runs) is left behind, empty, after every run. Falls back to ONNX Runtime's own
 * loading when the cache cannot be written.
 */
final class OrtNatives {
    private static final Logger LOG = LoggerFactory.getLogger(OrtNatives.class);
    private static final String PROPERTY = "onnxruntime.native.%s.path";
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni");

    private OrtNatives() {
    }

    /** Call before the first use of {@code OrtEnvironment}; does nothing if the user set the paths. */
    static void prepare() {
        String platform = platform();
        if (platform == null || LIBRARIES.stream().anyMatch(l -> System.getProperty(PROPERTY.formatted(l)) != null)) {
            return;
        }
        String version = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        Path dir = cacheRoot().resolve("onnxruntime-" + (version == null ? "unknown" : version) + "-" + platform);
        try {
            for (String library : LIBRARIES) {
                String file = System.mapLibraryName(library).replace("jnilib", "dylib");
                Path target = dir.resolve(file);
                java.net.URL resource = ai.onnxruntime.OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform + "/" + file);
                if (resource == null) {
                    throw new IOException("no " + file + " for " + platform + " in the ONNX Runtime jar");
                }
                java.net.URLConnection connection = resource.openConnection();
                // Native code is loaded from here, so the cached copy must be the jar's, byte for byte:
                // its CRC against the jar entry's (cheap: the entry's is stored in the jar's directory).
                long expected = connection instanceof java.net.JarURLConnection jar ? jar.getJarEntry().getCrc() : -1;
                if (expected < 0 || !Files.isRegularFile(target) || crc32(target) != expected) {
                    Files.createDirectories(dir);
                    try (InputStream in = connection.getInputStream()) {
                        AtomicFiles.write(target, in::transferTo);
                    }
                }
                System.setProperty(PROPERTY.formatted(library), target.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot cache ONNX Runtime's native libraries in {}; it extracts them itself: {}", dir, e.toString());
            LIBRARIES.forEach(l -> System.clearProperty(PROPERTY.formatted(l)));
        }
    }

    private static long crc32(Path file) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    /** ONNX Runtime's name for this machine's platform, or null where it ships no library. */
    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.contains("mac") ? "osx" : os.contains("win") ? "win" : null;
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        return osName == null || archName == null ? null : osName + "-" + archName;
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("rsr").resolve("native");
    }
}
