package dev.rsr.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** A declared tensor shape: a list of {@link Dim}s, or an unknown rank. Immutable. */
public final class Shape {
    private static final Shape UNKNOWN_RANK = new Shape(null);

    private final List<Dim> dims;

    private Shape(List<Dim> dims) {
        this.dims = dims;
    }

    /**
     * A shape of known rank.
     *
     * @param dims the dimensions, outermost first (copied)
     * @return the shape
     */
    public static Shape of(List<Dim> dims) {
        return new Shape(List.copyOf(dims));
    }

    /**
     * A shape of known rank.
     *
     * @param dims the dimensions, outermost first
     * @return the shape
     */
    public static Shape of(Dim... dims) {
        return new Shape(List.of(dims));
    }

    /**
     * A fully fixed shape.
     *
     * @param sizes the sizes, outermost first, each ≥ 0
     * @return the shape
     * @throws IllegalArgumentException when a size is negative
     */
    public static Shape fixed(long... sizes) {
        List<Dim> dims = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            dims.add(Dim.of(s));
        }
        return new Shape(Collections.unmodifiableList(dims));
    }

    /**
     * A shape whose rank is not known; it accepts any tensor.
     *
     * @return the unknown-rank shape
     */
    public static Shape unknownRank() {
        return UNKNOWN_RANK;
    }

    /**
     * Whether the rank is known.
     *
     * @return false only for {@link #unknownRank()}
     */
    public boolean hasRank() {
        return dims != null;
    }

    /**
     * The number of dimensions.
     *
     * @return the rank
     * @throws IllegalStateException when the rank is unknown
     */
    public int rank() {
        if (dims == null) {
            throw new IllegalStateException("shape has unknown rank");
        }
        return dims.size();
    }

    /**
     * The dimensions, outermost first.
     *
     * @return the dimensions, unmodifiable
     * @throws IllegalStateException when the rank is unknown
     */
    public List<Dim> dims() {
        if (dims == null) {
            throw new IllegalStateException("shape has unknown rank");
        }
        return dims;
    }

    /**
     * One dimension.
     *
     * @param i the axis, from 0
     * @return the dimension at {@code i}
     * @throws IllegalStateException when the rank is unknown
     */
    public Dim dim(int i) {
        return dims().get(i);
    }

    /**
     * True when every dimension is fixed.
     *
     * @return whether the rank is known and every dimension fixed
     */
    public boolean isFixed() {
        return dims != null && dims.stream().allMatch(Dim::isFixed);
    }

    /**
     * Null when {@code actual} fits this shape, otherwise why not (for error messages).
     *
     * @param actual a concrete shape
     * @return null, or the rank or first dimension that does not fit, with both shapes
     */
    public String mismatch(long[] actual) {
        if (dims == null) {
            return null;
        }
        if (actual.length != dims.size()) {
            return "expected rank " + dims.size() + " " + this + " but got rank " + actual.length + " " + format(actual);
        }
        for (int i = 0; i < actual.length; i++) {
            if (!dims.get(i).accepts(actual[i])) {
                return "expected shape " + this + " but got " + format(actual) + " (dimension " + i + ")";
            }
        }
        return null;
    }

    /**
     * A concrete shape as text, e.g. {@code [2, 3]}.
     *
     * @param sizes the sizes
     * @return the sizes in brackets, comma-separated
     */
    public static String format(long[] sizes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(sizes[i]);
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Objects.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(dims);
    }

    @Override
    public String toString() {
        return dims == null ? "[*]" : dims.toString();
    }
}
