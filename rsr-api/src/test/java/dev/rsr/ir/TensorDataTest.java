package dev.rsr.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorDataTest {
    @Test
    void refusesDataThatDoesNotMatchTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorData.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5));
        assertEquals("float tensor of shape [2, 3] needs 6 elements (24 bytes) but got 5 elements (20 bytes)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TensorData.ofRaw(DataType.INT64, new long[] {1}, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> TensorData.ofFloats(new long[] {-1}, 1));
    }

    @Test
    void stacksExamplesIntoABatchAndRefusesOnesThatDiffer() {
        TensorData a = TensorData.ofFloats(new long[] {2}, 1, 2);
        TensorData b = TensorData.ofFloats(new long[] {2}, 3, 4);
        TensorData batch = TensorData.stack(java.util.List.of(a, b, a));
        assertArrayEquals(new long[] {3, 2}, batch.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 1, 2}, batch.floats());
        assertThrows(IllegalArgumentException.class, () -> TensorData.stack(java.util.List.of(a, TensorData.ofFloats(new long[] {1}, 5))));
        assertThrows(IllegalArgumentException.class, () -> TensorData.stack(java.util.List.of(a, TensorData.ofLongs(new long[] {2}, 1, 2))));
        assertThrows(IllegalArgumentException.class, () -> TensorData.stack(java.util.List.of()));
    }

    @Test
    void keepsValuesShapeAndTypeAndIsImmutable() {
        float[] values = {1.5f, -2f, 3.25f, 0f};
        TensorData t = TensorData.ofFloats(new long[] {2, 2}, values);
        values[0] = 99;
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f}, t.floats());
        long[] shape = t.shape();
        shape[0] = 7;
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertEquals(4, t.elementCount());
        assertEquals(16, t.byteSize());
        assertEquals(3.25, t.getAsDouble(2));
        assertThrows(IllegalStateException.class, t::longs);
    }

    @Test
    void equalityIsByTypeShapeAndBytes() {
        assertEquals(TensorData.ofLongs(new long[] {2}, 1, 2), TensorData.vectorOfLongs(1, 2));
        assertNotEquals(TensorData.ofLongs(new long[] {2}, 1, 2), TensorData.ofLongs(new long[] {1, 2}, 1, 2));
        assertNotEquals(TensorData.ofInts(new long[] {2}, 1, 2), TensorData.ofLongs(new long[] {2}, 1, 2));
    }

    @Test
    void decodesHalfPrecision() {
        // 0x3C00 = 1.0, 0xC000 = -2.0, 0x0001 = smallest subnormal, 0x7C00 = +inf in IEEE binary16.
        TensorData half = TensorData.ofRaw(DataType.FLOAT16, new long[] {4}, new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0, 0x01, 0x00, 0x00, 0x7C});
        assertEquals(1.0, half.getAsDouble(0));
        assertEquals(-2.0, half.getAsDouble(1));
        assertEquals(Math.pow(2, -24), half.getAsDouble(2), 1e-12);
        assertTrue(Double.isInfinite(half.getAsDouble(3)));
        // bfloat16 0x3FC0 = 1.5
        TensorData bf = TensorData.ofRaw(DataType.BFLOAT16, new long[] {1}, new byte[] {(byte) 0xC0, 0x3F});
        assertEquals(1.5, bf.getAsDouble(0));
    }
}
