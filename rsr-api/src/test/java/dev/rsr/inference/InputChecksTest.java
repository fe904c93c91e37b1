package dev.rsr.inference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rsr.error.DataException;
import dev.rsr.ir.DataType;
import dev.rsr.ir.Dim;
import dev.rsr.ir.Shape;
import dev.rsr.ir.TensorData;
import dev.rsr.ir.ValueInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputChecksTest {
    private static final List<ValueInfo> DECLARED = List.of(
            new ValueInfo("features", DataType.FLOAT, Shape.of(Dim.symbolic("batch"), Dim.of(3))));

    @Test
    void acceptsAnyBatchSize() {
        assertDoesNotThrow(() -> Predictor.checkInputs(DECLARED, Map.of("features", TensorData.ofFloats(new long[] {2, 3}, new float[6]))));
    }

    @Test
    void namesTheInputAndWhatIsWrong() {
        assertEquals("input 'features': expected shape [batch, 3] but got [2, 4] (dimension 1)",
                assertThrows(DataException.class, () -> Predictor.checkInputs(DECLARED,
                        Map.of("features", TensorData.ofFloats(new long[] {2, 4}, new float[8])))).getMessage());
        assertEquals("input 'features' must be float but is int64",
                assertThrows(DataException.class, () -> Predictor.checkInputs(DECLARED,
                        Map.of("features", TensorData.ofLongs(new long[] {1, 3}, 1, 2, 3)))).getMessage());
        assertEquals("unknown input 'feature' (the model's inputs are [features]); missing input 'features' float[batch, 3]",
                assertThrows(DataException.class, () -> Predictor.checkInputs(DECLARED,
                        Map.of("feature", TensorData.ofFloats(new long[] {1, 3}, 1, 2, 3)))).getMessage());
        assertEquals("input 'features': expected rank 2 [batch, 3] but got rank 1 [3]",
                assertThrows(DataException.class, () -> Predictor.checkInputs(DECLARED,
                        Map.of("features", TensorData.ofFloats(new long[] {3}, 1, 2, 3)))).getMessage());
    }
}
