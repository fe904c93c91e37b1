package dev.rsr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.zoo.Mlp;
import dev.rsr.zoo.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandsTest {
    @TempDir
    Path dir;

    @Test
    void zooWritesTheModelItDescribes() {
        Path out = dir.resolve("tc.onnx");
        CliRun run = CliRun.of("zoo", "--model", "text-classifier", "--vocab", "300", "--dim", "32", "--layers", "1",
                "--heads", "2", "--max-length", "20", "--classes", "4", "--seed", "9", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        ModelGraph read = OnnxFormat.read(out);
        assertEquals(new TextClassifier(300, 32, 1, 2, 128, 20, 4, 9).build(), read);
        assertTrue(run.out().contains(String.format("%,d parameters", read.parameterCount())), run.out());

        Path mlp = dir.resolve("mlp.onnx");
        assertEquals(0, CliRun.of("zoo", "--model", "mlp", "--inputs", "5", "--hidden", "8,6", "--classes", "2",
                "--out", mlp.toString()).exitCode());
        assertEquals(new Mlp(5, List.of(8, 6), 2, 42).build(), OnnxFormat.read(mlp));
    }

    @Test
    void zooRefusesBadSettingsNamingTheField() {
        CliRun run = CliRun.of("zoo", "--model", "text-classifier", "--dim", "30", "--heads", "4", "--out",
                dir.resolve("x.onnx").toString());
        assertEquals(1, run.exitCode());
        assertEquals("rsr zoo: error: invalid text-classifier configuration: heads (4) must divide dim (30)", run.errorLine());
        assertTrue(Files.notExists(dir.resolve("x.onnx")));
        assertEquals(2, CliRun.of("zoo", "--model", "resnet", "--out", "y.onnx").exitCode());
    }

    @Test
    void inspectReportsShapesParametersAndOps() throws Exception {
        Path file = dir.resolve("m.onnx");
        ModelGraph model = Mlp.defaults().build();
        OnnxFormat.write(model, file);
        CliRun text = CliRun.of("inspect", file.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("input        features: float[batch, 16]"), text.out());
        assertTrue(text.out().contains("output       probabilities: float[batch, 3]"), text.out());
        assertTrue(text.out().contains("opsets ai.onnx 17"), text.out());

        CliRun json = CliRun.of("inspect", file.toString(), "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode r = new ObjectMapper().readTree(json.out());
        assertEquals(model.parameterCount(), r.get("parameters").asLong());
        assertEquals(8, r.get("ir_version").asInt());
        assertEquals(17, r.get("opsets").get("").asInt());
        assertEquals("batch", r.get("inputs").get(0).get("shape").get(0).asText());
        assertEquals(16, r.get("inputs").get(0).get("shape").get(1).asInt());
        assertEquals(2, r.get("ops").get("MatMul").asInt());
        assertEquals(List.of("layer1", "head"), List.copyOf(iterable(r.get("parameter_groups").fieldNames())));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
