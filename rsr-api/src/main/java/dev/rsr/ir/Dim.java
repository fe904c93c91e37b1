package dev.rsr.ir;

import java.util.Objects;

/**
 * One dimension of a declared shape: a fixed size, a symbolic name ({@code batch}) or unknown.
 * Exactly one of the three holds.
 */
public final class Dim {
    private static final Dim UNKNOWN = new Dim(-1, null);

    private final long size;
    private final String symbol;

    private Dim(long size, String symbol) {
        this.size = size;
        this.symbol = symbol;
    }

    public static Dim of(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("a fixed dimension must be >= 0, got " + size);
        }
        return new Dim(size, null);
    }

    public static Dim symbolic(String symbol) {
        if (symbol == null || symbol.isEmpty()) {
            throw new IllegalArgumentException("a symbolic dimension needs a name");
        }
        return new Dim(-1, symbol);
    }

    public static Dim unknown() {
        return UNKNOWN;
    }

    public boolean isFixed() {
        return size >= 0;
    }

    public boolean isSymbolic() {
        return symbol != null;
    }

    /** The fixed size; only valid when {@link #isFixed()}. */
    public long size() {
        if (!isFixed()) {
            throw new IllegalStateException("dimension " + this + " has no fixed size");
        }
        return size;
    }

    /** The symbol; only valid when {@link #isSymbolic()}. */
    public String symbol() {
        if (!isSymbolic()) {
            throw new IllegalStateException("dimension " + this + " is not symbolic");
        }
        return symbol;
    }

    /** True when a concrete size fits this dimension. */
    public boolean accepts(long actual) {
        return !isFixed() || size == actual;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dim d && d.size == size && Objects.equals(d.symbol, symbol);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, symbol);
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(size) : isSymbolic() ? symbol : "?";
    }
}
