package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect and parity on a real third-party model, all-MiniLM-L6-v2, read from its Maven artifact. */
@Tag("slow")
class PretrainedModelCommandsTest {
    @TempDir
    static Path dir;

    private static Path model() throws Exception {
        Path file = dir.resolve("all-minilm-l6-v2.onnx");
        if (Files.notExists(file)) {
            try (InputStream in = PretrainedModelCommandsTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                Files.copy(in, file);
            }
        }
        return file;
    }

    @Test
    void inspectListsItsInputsAndFindsEveryOpCompilable() throws Exception {
        CliRun run = CliRun.of("inspect", model().toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertEquals(11, r.get("opsets").get("").asInt());
        assertEquals(6, r.get("ir_version").asInt());
        assertEquals(3, r.get("inputs").size());
        assertEquals(102, r.get("initializers").asInt());
        assertEquals(49, r.get("ops").get("Shape").asInt());
        assertEquals(0, r.get("training_backends").get("tensorflow").get("unsupported_ops").size());
    }

    @Test
    void parityHoldsWithinTheTolerance() throws Exception {
        CliRun run = CliRun.of("parity", "--model", model().toString(), "--tolerance", "1e-4", "--samples", "2", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertTrue(r.get("max_abs_diff").asDouble() <= 1e-4, r.toString());
    }
}
