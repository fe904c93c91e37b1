package dev.rsr.engine;

import dev.rsr.error.ModelException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.ModelMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a refined model was made, written into its metadata ({@code rsr.provenance.*}) so that a
 * model file answers for itself, as Tribuo's ONNX exports carry their provenance.
 *
 * @param base        what the run started from: {@code sha256:<digest>} of a model file, a
 *                    pretrained model's name, or a zoo configuration
 * @param method      the method's name
 * @param settings    every setting of the method: each role's plugin and its fields
 * @param trainData   SHA-256 of the training data file (or a description of generated data)
 * @param evalData    SHA-256 of the evaluation data file
 * @param tokenizer   SHA-256 of the tokenizer saved in the model (empty when there is none)
 * @param seed        the run's seed
 * @param steps       steps taken
 * @param version     the RSR version that made it
 */
public record Provenance(String base, String method, Map<String, String> settings, String trainData, String evalData, String tokenizer,
                         long seed, long steps, String version) {
    public static final String PREFIX = "rsr.provenance.";
    private static final String SETTING = PREFIX + "setting.";

    public Provenance {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** This library's version (from its jar's manifest; {@code dev} when run from classes). */
    public static String rsrVersion() {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** The model with this provenance in its metadata (earlier provenance replaced). */
    public ModelGraph writeTo(ModelGraph model) {
        Map<String, String> properties = new LinkedHashMap<>(model.metadata().properties());
        properties.keySet().removeIf(k -> k.startsWith(PREFIX));
        properties.put(PREFIX + "base", base);
        properties.put(PREFIX + "method", method);
        settings.forEach((k, v) -> properties.put(SETTING + k, v));
        properties.put(PREFIX + "train_data", trainData);
        properties.put(PREFIX + "eval_data", evalData);
        properties.put(PREFIX + "tokenizer", tokenizer);
        properties.put(PREFIX + "seed", Long.toString(seed));
        properties.put(PREFIX + "steps", Long.toString(steps));
        properties.put(PREFIX + "version", version);
        ModelMetadata m = model.metadata();
        return model.withMetadata(new ModelMetadata(m.irVersion(), m.opsetImports(), m.producerName(), m.producerVersion(),
                m.modelVersion(), m.docString(), properties, m.parameterGroups()));
    }

    /** The provenance a model carries, if it was refined by RSR. */
    public static Optional<Provenance> readFrom(ModelGraph model, String source) {
        Map<String, String> p = model.metadata().properties();
        if (!p.containsKey(PREFIX + "method")) {
            return Optional.empty();
        }
        Map<String, String> settings = new LinkedHashMap<>();
        p.forEach((k, v) -> {
            if (k.startsWith(SETTING)) {
                settings.put(k.substring(SETTING.length()), v);
            }
        });
        try {
            return Optional.of(new Provenance(p.get(PREFIX + "base"), p.get(PREFIX + "method"), settings, p.get(PREFIX + "train_data"),
                    p.get(PREFIX + "eval_data"), p.get(PREFIX + "tokenizer"), Long.parseLong(p.get(PREFIX + "seed")),
                    Long.parseLong(p.get(PREFIX + "steps")), p.get(PREFIX + "version")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new ModelException(source + ": incomplete or malformed rsr.provenance metadata: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of some bytes, in hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
