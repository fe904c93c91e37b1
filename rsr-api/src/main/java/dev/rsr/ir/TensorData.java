package dev.rsr.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor held on the host: element type, concrete shape and flat little-endian data in
 * row-major order (the layout of ONNX {@code raw_data}). Immutable: accessors return copies or
 * read-only views. Used for initializers and for the inputs and outputs of predictors.
 *
 * <p>Every factory checks that the data length matches the shape, so a {@code TensorData} is
 * always consistent.
 */
public final class TensorData {
    private final DataType type;
    private final long[] shape;
    private final ByteBuffer data;

    private TensorData(DataType type, long[] shape, ByteBuffer data) {
        this.type = Objects.requireNonNull(type, "type");
        this.shape = shape.clone();
        long count = elementCount(this.shape);
        long expectedBytes = count * type.byteSize();
        if (data.remaining() != expectedBytes) {
            throw new IllegalArgumentException(type.onnxName() + " tensor of shape " + Shape.format(shape) + " needs "
                    + count + " elements (" + expectedBytes + " bytes) but got " + data.remaining() / type.byteSize()
                    + " elements (" + data.remaining() + " bytes)");
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Product of the sizes; 1 for a scalar. Refuses negative sizes and tensors over 2^31 bytes.
     *
     * @param shape the sizes
     * @return the number of elements
     * @throws IllegalArgumentException for a negative size or a tensor too large for one host buffer
     */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Shape.format(shape));
            }
            count = Math.multiplyExact(count, s);
        }
        if (count > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("tensor of shape " + Shape.format(shape) + " is too large for one host buffer");
        }
        return count;
    }

    /**
     * Wraps little-endian bytes (copied).
     *
     * @param type         the element type
     * @param shape        the shape (copied)
     * @param littleEndian the data, exactly as many bytes as the shape holds
     * @return the tensor
     * @throws IllegalArgumentException when the data length does not match the shape
     */
    public static TensorData ofRaw(DataType type, long[] shape, byte[] littleEndian) {
        return new TensorData(type, shape, ByteBuffer.wrap(littleEndian.clone()));
    }

    /**
     * Takes ownership of a little-endian buffer from its position to its limit; the caller must not change it.
     *
     * @param type         the element type
     * @param shape        the shape (copied)
     * @param littleEndian the data, exactly as many bytes as the shape holds; not copied
     * @return the tensor
     * @throws IllegalArgumentException when the data length does not match the shape
     */
    public static TensorData wrapRaw(DataType type, long[] shape, ByteBuffer littleEndian) {
        return new TensorData(type, shape, littleEndian);
    }

    /**
     * Tensors of one type and shape stacked along a new leading dimension (examples into a batch).
     *
     * @param rows the tensors, at least one, all of the first one's type and shape
     * @return a tensor of shape {@code [rows.size(), ...shape]}
     * @throws IllegalArgumentException when there are none or they differ in type or shape
     */
    public static TensorData stack(java.util.List<TensorData> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to stack");
        }
        TensorData first = rows.get(0);
        long[] one = first.shape();
        long[] shape = new long[one.length + 1];
        shape[0] = rows.size();
        System.arraycopy(one, 0, shape, 1, one.length);
        ByteBuffer data = ByteBuffer.allocate(first.byteSize() * rows.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows.size(); i++) {
            TensorData t = rows.get(i);
            if (t.type() != first.type() || !java.util.Arrays.equals(t.shape(), one)) {
                throw new IllegalArgumentException("tensor " + i + " is " + t.type() + java.util.Arrays.toString(t.shape())
                        + ", the first " + first.type() + java.util.Arrays.toString(one));
            }
            data.put(t.rawBuffer());
        }
        data.flip();
        return new TensorData(first.type(), shape, data);
    }

    /**
     * A float tensor of the given values, copied.
     *
     * @param shape  the shape (copied)
     * @param values the elements in row-major order, as many as the shape holds
     * @return the tensor
     * @throws IllegalArgumentException when the number of values does not match the shape
     */
    public static TensorData ofFloats(long[] shape, float... values) {
        ByteBuffer b = allocate(values.length, 4);
        b.asFloatBuffer().put(values);
        return new TensorData(DataType.FLOAT, shape, b);
    }

    /**
     * A double tensor of the given values, copied.
     *
     * @param shape  the shape (copied)
     * @param values the elements in row-major order, as many as the shape holds
     * @return the tensor
     * @throws IllegalArgumentException when the number of values does not match the shape
     */
    public static TensorData ofDoubles(long[] shape, double... values) {
        ByteBuffer b = allocate(values.length, 8);
        b.asDoubleBuffer().put(values);
        return new TensorData(DataType.DOUBLE, shape, b);
    }

    /**
     * A int64 tensor of the given values, copied.
     *
     * @param shape  the shape (copied)
     * @param values the elements in row-major order, as many as the shape holds
     * @return the tensor
     * @throws IllegalArgumentException when the number of values does not match the shape
     */
    public static TensorData ofLongs(long[] shape, long... values) {
        ByteBuffer b = allocate(values.length, 8);
        b.asLongBuffer().put(values);
        return new TensorData(DataType.INT64, shape, b);
    }

    /**
     * A int32 tensor of the given values, copied.
     *
     * @param shape  the shape (copied)
     * @param values the elements in row-major order, as many as the shape holds
     * @return the tensor
     * @throws IllegalArgumentException when the number of values does not match the shape
     */
    public static TensorData ofInts(long[] shape, int... values) {
        ByteBuffer b = allocate(values.length, 4);
        b.asIntBuffer().put(values);
        return new TensorData(DataType.INT32, shape, b);
    }

    /**
     * A bool tensor of the given values, copied.
     *
     * @param shape  the shape (copied)
     * @param values the elements in row-major order, as many as the shape holds
     * @return the tensor
     * @throws IllegalArgumentException when the number of values does not match the shape
     */
    public static TensorData ofBools(long[] shape, boolean... values) {
        ByteBuffer b = allocate(values.length, 1);
        for (boolean v : values) {
            b.put((byte) (v ? 1 : 0));
        }
        b.flip();
        return new TensorData(DataType.BOOL, shape, b);
    }

    /**
     * A float scalar (rank 0).
     *
     * @param v the value
     * @return the tensor
     */
    public static TensorData scalarFloat(float v) {
        return ofFloats(new long[0], v);
    }

    /**
     * An int64 scalar (rank 0).
     *
     * @param v the value
     * @return the tensor
     */
    public static TensorData scalarLong(long v) {
        return ofLongs(new long[0], v);
    }

    /**
     * A 1-D int64 tensor, the usual form of shape and axes constants.
     *
     * @param values the elements
     * @return a tensor of shape {@code [values.length]}
     */
    public static TensorData vectorOfLongs(long... values) {
        return ofLongs(new long[] {values.length}, values);
    }

    private static ByteBuffer allocate(int count, int size) {
        return ByteBuffer.allocate(Math.multiplyExact(count, size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The element type.
     *
     * @return the type
     */
    public DataType type() {
        return type;
    }

    /**
     * A copy of the shape.
     *
     * @return the sizes, outermost first; empty for a scalar
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the rank; 0 for a scalar
     */
    public int rank() {
        return shape.length;
    }

    /**
     * One size of the shape.
     *
     * @param i the axis, from 0
     * @return the size along {@code i}
     */
    public long dim(int i) {
        return shape[i];
    }

    /**
     * The number of elements.
     *
     * @return the product of the sizes
     */
    public int elementCount() {
        return data.remaining() / type.byteSize();
    }

    /**
     * The size of the data.
     *
     * @return the number of bytes
     */
    public int byteSize() {
        return data.remaining();
    }

    /**
     * A read-only little-endian view of the data; reading it does not affect this tensor.
     *
     * @return a new read-only buffer over the data
     */
    public ByteBuffer rawBuffer() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A copy of the data as little-endian bytes.
     *
     * @return a new array
     */
    public byte[] rawBytes() {
        byte[] out = new byte[data.remaining()];
        data.duplicate().get(out);
        return out;
    }

    /**
     * A read-only view of the elements of a float tensor.
     *
     * @return a new read-only buffer over the data
     * @throws IllegalStateException when the tensor is not {@link DataType#FLOAT}
     */
    public FloatBuffer floatBuffer() {
        require(DataType.FLOAT);
        return rawBuffer().asFloatBuffer();
    }

    /**
     * A copy of the elements of a float tensor.
     *
     * @return a new array, in row-major order
     * @throws IllegalStateException when the tensor is not {@link DataType#FLOAT}
     */
    public float[] floats() {
        FloatBuffer fb = floatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    /**
     * A read-only view of the elements of a int64 tensor.
     *
     * @return a new read-only buffer over the data
     * @throws IllegalStateException when the tensor is not {@link DataType#INT64}
     */
    public LongBuffer longBuffer() {
        require(DataType.INT64);
        return rawBuffer().asLongBuffer();
    }

    /**
     * A copy of the elements of a int64 tensor.
     *
     * @return a new array, in row-major order
     * @throws IllegalStateException when the tensor is not {@link DataType#INT64}
     */
    public long[] longs() {
        LongBuffer lb = longBuffer();
        long[] out = new long[lb.remaining()];
        lb.get(out);
        return out;
    }

    /**
     * A read-only view of the elements of a int32 tensor.
     *
     * @return a new read-only buffer over the data
     * @throws IllegalStateException when the tensor is not {@link DataType#INT32}
     */
    public IntBuffer intBuffer() {
        require(DataType.INT32);
        return rawBuffer().asIntBuffer();
    }

    /**
     * A copy of the elements of a int32 tensor.
     *
     * @return a new array, in row-major order
     * @throws IllegalStateException when the tensor is not {@link DataType#INT32}
     */
    public int[] ints() {
        IntBuffer ib = intBuffer();
        int[] out = new int[ib.remaining()];
        ib.get(out);
        return out;
    }

    /**
     * A read-only view of the elements of a double tensor.
     *
     * @return a new read-only buffer over the data
     * @throws IllegalStateException when the tensor is not {@link DataType#DOUBLE}
     */
    public DoubleBuffer doubleBuffer() {
        require(DataType.DOUBLE);
        return rawBuffer().asDoubleBuffer();
    }

    /**
     * Element {@code i} (flat index) widened to double, for any numeric type. Convenient for
     * printing and comparing; not for hot loops.
     *
     * @param i the flat index, from 0
     * @return the element's value
     */
    public double getAsDouble(int i) {
        ByteBuffer b = data;
        int at = b.position() + i * type.byteSize();
        return switch (type) {
            case FLOAT -> b.getFloat(at);
            case DOUBLE -> b.getDouble(at);
            case INT64, UINT64 -> b.getLong(at);
            case INT32 -> b.getInt(at);
            case UINT32 -> Integer.toUnsignedLong(b.getInt(at));
            case INT16 -> b.getShort(at);
            case UINT16, FLOAT16, BFLOAT16 -> type == DataType.UINT16 ? Short.toUnsignedInt(b.getShort(at))
                    : halfToFloat(b.getShort(at), type);
            case INT8 -> b.get(at);
            case UINT8, BOOL -> Byte.toUnsignedInt(b.get(at));
        };
    }

    private static float halfToFloat(short bits, DataType type) {
        if (type == DataType.BFLOAT16) {
            return Float.intBitsToFloat((bits & 0xffff) << 16);
        }
        // IEEE 754 binary16 -> binary32 (Float.float16ToFloat arrives only in Java 20).
        int h = bits & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * Largest absolute difference to another tensor of the same type and shape; positions where
     * both are NaN count as equal, a NaN in one only as infinitely different.
     *
     * @param other the tensor to compare with
     * @return the largest difference; 0 when equal
     * @throws IllegalArgumentException when types or shapes differ
     */
    public double maxAbsDiff(TensorData other) {
        if (other.type != type || !Arrays.equals(other.shape, shape)) {
            throw new IllegalArgumentException(this + " and " + other + " differ in type or shape");
        }
        double worst = 0;
        for (int i = 0; i < elementCount(); i++) {
            double x = getAsDouble(i);
            double y = other.getAsDouble(i);
            double d = Double.isNaN(x) && Double.isNaN(y) ? 0 : Math.abs(x - y);
            worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
        return worst;
    }

    private void require(DataType wanted) {
        if (type != wanted) {
            throw new IllegalStateException("tensor holds " + type.onnxName() + ", not " + wanted.onnxName());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && t.type == type && Arrays.equals(t.shape, shape) && t.data.equals(data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "TensorData[" + type.onnxName() + Shape.format(shape) + "]";
    }
}
