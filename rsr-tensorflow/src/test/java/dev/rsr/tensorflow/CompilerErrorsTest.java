package dev.rsr.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsr.error.ModelException;
import dev.rsr.ir.Attribute;
import dev.rsr.ir.DataType;
import dev.rsr.ir.TensorData;
import dev.rsr.tensorflow.compiler.ConverterRegistry;
import dev.rsr.tensorflow.compiler.GraphCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompilerErrorsTest {
    @Test
    void unsupportedOpsAreListedBeforeAnyNativeWork() {
        OpCase tfIdf = new OpCase("tf-idf", "TfIdfVectorizer", 17, List.of(Attribute.of("mode", "TF")),
                List.of(OpCase.param(OpCase.randn(1, 2, 3))), List.of(DataType.FLOAT), false);
        ModelException e = assertThrows(ModelException.class,
                () -> new GraphCompiler(ConverterRegistry.discover()).compile(tfIdf.model()));
        assertEquals(List.of("op 'TfIdfVectorizer' (e.g. node 'node' (TfIdfVectorizer)) is not supported by the TensorFlow backend"), e.problems());
    }

    @Test
    void shapeErrorsNameTheNode() {
        OpCase bad = new OpCase("matmul mismatch", "MatMul", 17, List.of(),
                List.of(OpCase.param(OpCase.randn(1, 2, 3)), OpCase.param(OpCase.randn(2, 4, 5))), List.of(DataType.FLOAT), false);
        ModelException e = assertThrows(ModelException.class,
                () -> new GraphCompiler(ConverterRegistry.discover()).compile(bad.model()).close());
        assertTrue(e.getMessage().startsWith("node 'node' (MatMul): TensorFlow cannot build it:"), e.getMessage());
    }

    @Test
    void unsupportedAttributesAreRefusedNotMistranslated() {
        OpCase multiply = new OpCase("scatter that multiplies", "ScatterElements", 18, List.of(Attribute.of("reduction", "mul")),
                List.of(OpCase.param(OpCase.randn(1, 3, 3)), OpCase.constant(TensorData.ofLongs(new long[] {1, 2}, 0, 2)),
                        OpCase.param(OpCase.randn(2, 1, 2))), List.of(DataType.FLOAT), false);
        ModelException e = assertThrows(ModelException.class,
                () -> new GraphCompiler(ConverterRegistry.discover()).compile(multiply.model()).close());
        assertTrue(e.getMessage().contains("reduction 'mul' is not supported"), e.getMessage());
    }
}
