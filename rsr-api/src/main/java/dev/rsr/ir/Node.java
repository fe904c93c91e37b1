package dev.rsr.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One operator application with ONNX semantics. An empty input name means an omitted optional
 * input, as in ONNX.
 *
 * @param name       node name (may be empty in files from elsewhere; the builder always names)
 * @param opType     ONNX op type, e.g. {@code MatMul}
 * @param domain     op domain; empty for the default {@code ai.onnx} domain
 * @param inputs     input value names, in order
 * @param outputs    output value names, in order
 * @param attributes attributes by name, in file order
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   Map<String, Attribute> attributes) {

    /**
     * Copies the lists and the map, keeping their order; a null domain becomes the default one.
     *
     * @param name       node name (may be empty in files from elsewhere; the builder always names)
     * @param opType     ONNX op type, e.g. {@code MatMul}
     * @param domain     op domain; empty for the default {@code ai.onnx} domain
     * @param inputs     input value names, in order
     * @param outputs    output value names, in order
     * @param attributes attributes by name, in file order
     * @throws NullPointerException when {@code name} or {@code opType} is null
     */
    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opType, "opType");
        domain = domain == null ? "" : domain;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * A node of the default domain, with its attributes given as a list.
     *
     * @param name       node name
     * @param opType     ONNX op type
     * @param inputs     input value names, in order
     * @param outputs    output value names, in order
     * @param attributes attributes, in order, each name at most once
     * @throws IllegalArgumentException when two attributes have the same name
     */
    public Node(String name, String opType, List<String> inputs, List<String> outputs, List<Attribute> attributes) {
        this(name, opType, "", inputs, outputs, toMap(attributes));
    }

    private static Map<String, Attribute> toMap(List<Attribute> attributes) {
        Map<String, Attribute> map = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            if (map.put(a.name(), a) != null) {
                throw new IllegalArgumentException("attribute '" + a.name() + "' given twice");
            }
        }
        return map;
    }

    /**
     * True for ops of the default ONNX domain.
     *
     * @return whether the domain is empty or {@code ai.onnx}
     */
    public boolean isDefaultDomain() {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    /**
     * An attribute by name.
     *
     * @param attributeName the attribute's name
     * @return the attribute, or empty when the node has none by that name
     */
    public Optional<Attribute> attribute(String attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }

    /**
     * The value of an int attribute, or a default when the node does not have it.
     *
     * @param attributeName the attribute's name
     * @param defaultValue  the value when the attribute is absent
     * @return the attribute's value or {@code defaultValue}
     * @throws IllegalStateException when the attribute is present but not an int
     */
    public long intAttribute(String attributeName, long defaultValue) {
        return attribute(attributeName).map(Attribute::asInt).orElse(defaultValue);
    }

    /**
     * The value of a float attribute, or a default when the node does not have it.
     *
     * @param attributeName the attribute's name
     * @param defaultValue  the value when the attribute is absent
     * @return the attribute's value or {@code defaultValue}
     * @throws IllegalStateException when the attribute is present but not a float
     */
    public float floatAttribute(String attributeName, float defaultValue) {
        return attribute(attributeName).map(Attribute::asFloat).orElse(defaultValue);
    }

    /**
     * "node 'name' (OpType)", the way every error message refers to a node.
     *
     * @return the description; an unnamed node is named by its first output
     */
    public String describe() {
        return "node '" + (name.isEmpty() ? "<unnamed, output " + (outputs.isEmpty() ? "?" : outputs.get(0)) + ">" : name)
                + "' (" + (isDefaultDomain() ? "" : domain + ".") + opType + ")";
    }
}
