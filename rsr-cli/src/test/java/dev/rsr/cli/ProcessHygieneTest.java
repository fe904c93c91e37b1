package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.onnx.OnnxFormat;
import dev.rsr.zoo.TextClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real {@code rsr} process leaves behind, run as a child JVM with its own temporary and
 * cache directories and the test class path (over 4 KB of command line, which crashed ONNX
 * Runtime 1.29.0): nothing in the temporary directory after a run (ONNX Runtime would leave a
 * directory per run), and neither a temporary file nor a partial output after SIGTERM.
 */
class ProcessHygieneTest {
    @TempDir
    Path dir;

    private Process start(Path tmp, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Djava.io.tmpdir=" + tmp, RsrCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
        builder.environment().put("TMPDIR", tmp.toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        return builder.start();
    }

    private Path model() throws IOException {
        return Files.write(dir.resolve("classifier.onnx"), OnnxFormat.toBytes(new TextClassifier(100, 16, 1, 2, 32, 16, 2, 1).build()));
    }

    private static List<Path> contents(Path tmp) throws IOException {
        try (Stream<Path> all = Files.list(tmp)) {
            // The JVM's own performance-data directory is not ours to judge.
            return all.filter(p -> !p.getFileName().toString().startsWith("hsperfdata_")).toList();
        }
    }

    @Test
    void aPredictRunLeavesNothingInTheTemporaryDirectory() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path input = Files.writeString(dir.resolve("in.jsonl"), "{\"input_ids\": [1, 2, 3], \"attention_mask\": [1, 1, 1]}\n");
        Process p = start(tmp, "predict", "--model", model().toString(), "--input", input.toString(), "--output",
                dir.resolve("out.jsonl").toString());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "predict did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("child.log")));
        assertTrue(Files.exists(dir.resolve("out.jsonl")));
        assertEquals(List.of(), contents(tmp));
    }

    @Test
    void sigtermDuringAWriteLeavesNoTemporaryFileAndNoPartialOutput() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path input = dir.resolve("big.jsonl");
        try (var w = Files.newBufferedWriter(input)) {
            for (int i = 0; i < 400_000; i++) {
                w.write("{\"input_ids\": [1, 2, " + (3 + i % 90) + "], \"attention_mask\": [1, 1, 1]}\n");
            }
        }
        Path output = dir.resolve("predictions.jsonl");
        Process p = start(tmp, "predict", "--model", model().toString(), "--input", input.toString(), "--output", output.toString());
        // Wait until the temporary output exists: the write is under way.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (temporaries().isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(temporaries().isEmpty(), "the write never started: " + Files.readString(dir.resolve("child.log")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process ignored SIGTERM");
        assertEquals(List.of(), temporaries(), "temporary output left after SIGTERM");
        assertFalse(Files.exists(output), "a partial output appeared");
        assertEquals(List.of(), contents(tmp));
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
