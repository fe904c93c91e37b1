package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.inject.RsrModule;
import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.Settings;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rsr plugins}: every SPI with its providers and their jars, the plugins directory included. */
class PluginsCommandTest {
    @TempDir
    Path dir;

    /** A booster only a plugins directory registers (no services file on the class path names it). */
    public static final class Doubling implements GradientBooster {
        @Override
        public String name() {
            return "doubling";
        }

        @Override
        public Booster create(Settings settings) {
            return (p, scores, mask) -> {
                float[] out = new float[p.elementCount()];
                Arrays.fill(out, 2f);
                return out;
            };
        }
    }

    private static void assertListed(String out, String spi, String name, String className) {
        int header = out.indexOf(spi + ":\n");
        assertTrue(header >= 0, "no " + spi + " section in:\n" + out);
        int next = out.indexOf(":\n", header + spi.length() + 2);
        String section = out.substring(header, next < 0 ? out.length() : out.lastIndexOf('\n', next) + 1);
        Pattern line = Pattern.compile("(?m)^  " + Pattern.quote(name) + " +" + Pattern.quote(className) + " \\(from [^)]+\\)$");
        assertTrue(line.matcher(section).find(), name + " not listed under " + spi + ":\n" + section);
    }

    @Test
    void listsEverySpiWithItsProvidersAndTheirJars() {
        CliRun run = CliRun.of("plugins");
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out().replace(System.lineSeparator(), "\n");
        for (var spi : RsrModule.SPIS) {
            assertTrue(out.contains(spi.getSimpleName() + ":\n"), spi.getSimpleName() + " missing from:\n" + out);
        }
        assertListed(out, "ImportanceStrategy", "fisher", "dev.rsr.strategies.ImportanceStrategies$Fisher");
        assertListed(out, "ModuleSelector", "aco", "dev.rsr.strategies.ModuleSelectors$Aco");
        assertListed(out, "InferenceBackend", "onnxruntime", "dev.rsr.onnx.OrtInferenceBackend");
        assertListed(out, "TrainingBackend", "tensorflow", "dev.rsr.tensorflow.TensorFlowTrainingBackend");
        assertListed(out, "ImportanceStrategy", "relative-gradient", "org.example.rsr.RelativeGradientImportance");
        assertListed(out, "PheromoneStrategy", "rank-based", "org.example.rsr.RankBasedTrail");
        assertFalse(out.contains("doubling"), out);
    }

    @Test
    void listsThePluginsOfAPluginsDirectory() throws Exception {
        try (OutputStream file = Files.newOutputStream(dir.resolve("doubling.jar")); JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + GradientBooster.class.getName()));
            jar.write((Doubling.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        CliRun run = CliRun.of("plugins", "--plugins", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out().replace(System.lineSeparator(), "\n");
        assertListed(out, "GradientBooster", "doubling", Doubling.class.getName());
        assertListed(out, "GradientBooster", "linear", "dev.rsr.strategies.GradientBoosters$Linear");
    }

    @Test
    void aPluginsPathThatIsNoDirectoryIsOneErrorLine() {
        CliRun run = CliRun.of("plugins", "--plugins", dir.resolve("missing").toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("--plugins") && run.errorLine().contains("no such directory"), run.errorLine());
    }
}
