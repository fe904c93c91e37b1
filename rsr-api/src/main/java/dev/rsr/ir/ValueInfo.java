package dev.rsr.ir;

import java.util.Objects;

/**
 * A named, typed value of a graph: a graph input or output, or an annotated intermediate.
 *
 * @param name  the value name, unique in its graph
 * @param type  the element type
 * @param shape the declared shape, possibly with symbolic or unknown dimensions
 */
public record ValueInfo(String name, DataType type, Shape shape) {
    /**
     * Checks that no component is null.
     *
     * @param name  the value name, unique in its graph
     * @param type  the element type
     * @param shape the declared shape, possibly with symbolic or unknown dimensions
     * @throws NullPointerException naming the missing component
     */
    public ValueInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type of " + name);
        Objects.requireNonNull(shape, "shape of " + name);
    }

    @Override
    public String toString() {
        return name + ": " + type.onnxName() + shape;
    }
}
