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

    public static Shape of(List<Dim> dims) {
        return new Shape(List.copyOf(dims));
    }

    public static Shape of(Dim... dims) {
        return new Shape(List.of(dims));
    }

    /** A fully fixed shape. */
    public static Shape fixed(long... sizes) {
        List<Dim> dims = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            dims.add(Dim.of(s));
        }
        return new Shape(Collections.unmodifiableList(dims));
    }

    public static Shape unknownRank() {
        return UNKNOWN_RANK;
    }

    public boolean hasRank() {
        return dims != null;
    }

    public int rank() {
        if (dims == null) {
            throw new IllegalStateException("shape has unknown rank");
        }
        return dims.size();
    }

    public List<Dim> dims() {
        if (dims == null) {
            throw new IllegalStateException("shape has unknown rank");
        }
        return dims;
    }

    public Dim dim(int i) {
        return dims().get(i);
    }

    /** True when every dimension is fixed. */
    public boolean isFixed() {
        return dims != null && dims.stream().allMatch(Dim::isFixed);
    }

    /** Null when {@code actual} fits this shape, otherwise why not (for error messages). */
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
