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

    /**
     * A fixed dimension.
     *
     * @param size the size, ≥ 0
     * @return the dimension
     * @throws IllegalArgumentException when {@code size} is negative
     */
    public static Dim of(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("a fixed dimension must be >= 0, got " + size);
        }
        return new Dim(size, null);
    }

    /**
     * A symbolic dimension, such as {@code batch}, whose size is chosen at run time.
     *
     * @param symbol the name, not empty
     * @return the dimension
     * @throws IllegalArgumentException when {@code symbol} is null or empty
     */
    public static Dim symbolic(String symbol) {
        if (symbol == null || symbol.isEmpty()) {
            throw new IllegalArgumentException("a symbolic dimension needs a name");
        }
        return new Dim(-1, symbol);
    }

    /**
     * A dimension of unknown size and no name; it accepts any size.
     *
     * @return the unknown dimension
     */
    public static Dim unknown() {
        return UNKNOWN;
    }

    /**
     * Whether this dimension has a fixed size.
     *
     * @return true for a dimension made by {@link #of(long)}
     */
    public boolean isFixed() {
        return size >= 0;
    }

    /**
     * Whether this dimension has a symbolic name.
     *
     * @return true for a dimension made by {@link #symbolic(String)}
     */
    public boolean isSymbolic() {
        return symbol != null;
    }

    /**
     * The fixed size; only valid when {@link #isFixed()}.
     *
     * @return the size
     * @throws IllegalStateException when the dimension is not fixed
     */
    public long size() {
        if (!isFixed()) {
            throw new IllegalStateException("dimension " + this + " has no fixed size");
        }
        return size;
    }

    /**
     * The symbol; only valid when {@link #isSymbolic()}.
     *
     * @return the symbolic name
     * @throws IllegalStateException when the dimension is not symbolic
     */
    public String symbol() {
        if (!isSymbolic()) {
            throw new IllegalStateException("dimension " + this + " is not symbolic");
        }
        return symbol;
    }

    /**
     * True when a concrete size fits this dimension: any size fits a symbolic or unknown one.
     *
     * @param actual a concrete size
     * @return whether {@code actual} fits
     */
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
