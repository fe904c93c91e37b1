package dev.rsr.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model file says about itself besides its graph.
 *
 * @param irVersion       ONNX IR version (8 for files RSR writes)
 * @param opsetImports    opset version per domain; the default domain is {@code ""}
 * @param producerName    the tool that wrote the model
 * @param producerVersion its version
 * @param modelVersion    the model's own version number
 * @param docString       free text
 * @param properties      free key/value metadata (provenance, tokenizer, ...), in order
 * @param parameterGroups named groups of initializer names, e.g. one per layer, in order; the
 *                        default partition of parameters into task modules
 */
public record ModelMetadata(long irVersion, Map<String, Long> opsetImports, String producerName, String producerVersion,
                            long modelVersion, String docString, Map<String, String> properties,
                            Map<String, List<String>> parameterGroups) {

    /** IR version of the files RSR writes. */
    public static final long DEFAULT_IR_VERSION = 8;
    /** Default-domain opset of the graphs RSR builds. */
    public static final long DEFAULT_OPSET = 17;

    /**
     * Copies every collection, keeping their order; null strings become empty.
     *
     * @param irVersion       ONNX IR version (8 for files RSR writes)
     * @param opsetImports    opset version per domain; the default domain is {@code ""}
     * @param producerName    the tool that wrote the model
     * @param producerVersion its version
     * @param modelVersion    the model's own version number
     * @param docString       free text
     * @param properties      free key/value metadata (provenance, tokenizer, ...), in order
     * @param parameterGroups named groups of initializer names, e.g. one per layer, in order; the
     *                        default partition of parameters into task modules
     */
    public ModelMetadata {
        opsetImports = Collections.unmodifiableMap(new LinkedHashMap<>(opsetImports));
        producerName = Objects.requireNonNullElse(producerName, "");
        producerVersion = Objects.requireNonNullElse(producerVersion, "");
        docString = Objects.requireNonNullElse(docString, "");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        Map<String, List<String>> groups = new LinkedHashMap<>();
        parameterGroups.forEach((k, v) -> groups.put(k, List.copyOf(v)));
        parameterGroups = Collections.unmodifiableMap(groups);
    }

    /**
     * Metadata for a graph built by RSR: IR 8, opset 17, no properties or groups.
     *
     * @return the metadata, with producer {@code rsr} at {@link Version#CURRENT}
     */
    public static ModelMetadata rsrDefaults() {
        return new ModelMetadata(DEFAULT_IR_VERSION, Map.of("", DEFAULT_OPSET), "rsr", Version.CURRENT, 0, "",
                Map.of(), Map.of());
    }

    /**
     * The default-domain opset, or 0 when the model imports none.
     *
     * @return the opset imported for {@code ""}, else for {@code ai.onnx}, else 0
     */
    public long defaultOpset() {
        Long v = opsetImports.get("");
        if (v == null) {
            v = opsetImports.get("ai.onnx");
        }
        return v == null ? 0 : v;
    }

    /**
     * The same metadata with one property set, added last or replaced in place.
     *
     * @param key   the property name
     * @param value its value
     * @return new metadata; this one is unchanged
     */
    public ModelMetadata withProperty(String key, String value) {
        Map<String, String> p = new LinkedHashMap<>(properties);
        p.put(key, value);
        return new ModelMetadata(irVersion, opsetImports, producerName, producerVersion, modelVersion, docString, p,
                parameterGroups);
    }

    /**
     * The same metadata with other parameter groups.
     *
     * @param groups initializer names by group name, in order; they replace all existing groups
     * @return new metadata; this one is unchanged
     */
    public ModelMetadata withParameterGroups(Map<String, List<String>> groups) {
        return new ModelMetadata(irVersion, opsetImports, producerName, producerVersion, modelVersion, docString,
                properties, groups);
    }
}
