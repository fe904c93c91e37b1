package dev.rsr.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rsr.error.ConfigurationException;
import dev.rsr.spi.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refinement method: which plugin fills each role and how each is configured, as flat
 * {@code key=value} settings. {@code importance=fisher} chooses a plugin; {@code mask.density=0.1}
 * sets a field of the chosen mask policy; keys without a dot that name no role are the engine's
 * own ({@code trainable}, {@code workers}, {@code base_rate}, …). A method starts from a preset
 * ({@link #method}); a JSON file and {@code --set} overrides change it.
 *
 * <p>Every method of the benchmark is a configuration of the same engine, so they compare like
 * with like:
 * <ul>
 *   <li>{@code full}: Adam on every parameter;
 *   <li>{@code bitfit}: biases and the task head only (Ben Zaken et al., 2022);
 *   <li>{@code child-tuning-f}: a random 30 % of the elements, drawn again every step (Xu et al., 2021);
 *   <li>{@code fish}: the 0.5 % of elements of highest Fisher information on 1,024 examples, fixed (Sung et al., 2021);
 *   <li>{@code lisa}: embeddings, head and two random layers, drawn again every 50 steps (Pan et al., 2024);
 *   <li>{@code rsr}: sensitivity importance refreshed every 50 steps (element masks and boosted
 *       updates only when asked: {@code mask=top-per-tensor}, {@code booster=linear}); a MAX-MIN
 *       pheromone trail; ant-colony selection of the depth to refine, weighing each module's cost and
 *       importance; per-module rates adapted to each module's progress; parallel workers. Each
 *       mechanism is switchable for ablations ({@code --set pheromone=none}).
 * </ul>
 */
public final class RefineConfig {
    /** The roles a plugin fills, in the order they act. */
    public static final List<String> ROLES = List.of("partitioner", "importance", "mask", "booster", "pheromone", "selector", "lr");
    public static final List<String> METHODS = List.of("full", "bitfit", "child-tuning-f", "fish", "lisa", "rsr");

    private static final Map<String, String> FULL = ordered(
            "partitioner", "by-name-prefix", "importance", "uniform", "mask", "all", "booster", "none", "pheromone", "none",
            "selector", "all", "lr", "constant", "trainable", "all", "workers", "1");

    /**
     * What a preset does differently when the model starts from random weights; set only where the
     * user has not changed the setting or the role's plugin. {@code rsr}: the selector also updates
     * the first module (the embeddings) on every step. Chosen on WordNet verb supersense: from
     * random weights the embeddings must learn most of what a small classifier knows, and the
     * ants, weighing importance, rarely chose them (24 % against {@code full}'s best 40 %; with
     * the embeddings always updated, 39.5 %). From a pretrained encoder the choice is kept free:
     * a step that skips the embeddings skips the backward pass below the deepest layer chosen.
     */
    private static final Map<String, Map<String, String>> FROM_SCRATCH = Map.of(
            "rsr", ordered("selector.always", "first,last"));

    private final String method;
    private final Map<String, String> values;
    /** Keys set on top of the preset (by a file or overrides), which start-dependent defaults leave alone. */
    private final java.util.Set<String> changed;

    private RefineConfig(String method, Map<String, String> values, java.util.Set<String> changed) {
        this.method = method;
        this.values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.changed = java.util.Set.copyOf(changed);
    }

    /** The preset of a method. */
    public static RefineConfig method(String name) {
        Map<String, String> v = new LinkedHashMap<>(FULL);
        switch (name) {
            case "full" -> { }
            case "bitfit" -> v.put("trainable", "biases");
            case "child-tuning-f" -> v.putAll(ordered("mask", "random"));
            case "fish" -> v.putAll(ordered("importance", "fisher", "mask", "fixed-after-probe"));
            case "lisa" -> v.putAll(ordered("selector", "random-k"));
            // No element mask by default: a step updates every element of the modules it selects. Masks
            // (mask=top-per-tensor, density 0.5 until 2026-12-07) cost steps and bought no accuracy:
            // chosen on verb, the unmasked rsr reached full's level sooner on every seed (0.38 / 0.47 /
            // 0.34 of full's time against 0.49 / 0.66 / 0.44), and so it did on noun from both encoders.
            // No boost either (booster=linear until 2026-12-08): chosen on verb, boosted updates cost a
            // multiplier on every step and a refresh upload, and bought no accuracy (own encoder, six
            // seeds: 0.47 of full's time on average against 0.39 unboosted, final 43.9 against 44.3 %;
            // MiniLM: 0.56 / 0.53 against 0.46 / 0.47, 59.2 against 59.3 %).
            case "rsr" -> v.putAll(ordered("importance", "sensitivity", "booster", "none",
                    "pheromone", "max-min", "selector", "aco", "lr", "progress-adaptive", "workers", "auto"));
            default -> throw new ConfigurationException("method '" + name + "' is not available; available: " + String.join(", ", METHODS));
        }
        return new RefineConfig(name, v, java.util.Set.of());
    }

    /**
     * This configuration for a model that starts pretrained or from random weights: the preset's
     * from-scratch defaults ({@link #FROM_SCRATCH}) where the user changed neither the setting nor
     * its role's plugin.
     */
    public RefineConfig forStart(boolean pretrained) {
        Map<String, String> scratch = FROM_SCRATCH.getOrDefault(method, Map.of());
        if (pretrained || scratch.isEmpty()) {
            return this;
        }
        Map<String, String> preset = method(method).values;
        Map<String, String> v = new LinkedHashMap<>(values);
        scratch.forEach((key, value) -> {
            String role = key.substring(0, Math.max(0, key.indexOf('.')));
            boolean samePlugin = role.isEmpty() || java.util.Objects.equals(values.get(role), preset.get(role));
            if (samePlugin && !changed.contains(key)) {
                v.put(key, value);
            }
        });
        return new RefineConfig(method, v, changed);
    }

    /** The method named in a JSON file ({@code "method"}, default {@code rsr}) with the file's settings on top. */
    public static RefineConfig read(Path file) {
        JsonNode root;
        try {
            root = dev.rsr.data.StrictJson.mapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigurationException(file + ": not valid JSON" + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigurationException(file + ": cannot read the configuration: " + dev.rsr.io.IoErrors.reason(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(file + ": a configuration is a JSON object, e.g. {\"method\": \"rsr\", \"mask\": {\"density\": 0.1}}");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", root, flat, file);
        String methodName = flat.getOrDefault("method", "rsr");
        flat.remove("method");
        try {
            return method(methodName).with(flat);
        } catch (ConfigurationException e) {
            throw new ConfigurationException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code {"mask": {"name": "top-global", "density": 0.1}}} → {@code mask=top-global, mask.density=0.1};
     * {@code {"mask": "top-global"}} → {@code mask=top-global}.
     */
    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                if (!prefix.isEmpty()) {
                    throw new ConfigurationException(file + ": '" + key + "' nests too deep; settings are role.field");
                }
                flatten(key, v, out, file);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : v) {
                    if (!item.isValueNode() || item.isNull()) {
                        throw new ConfigurationException(file + ": '" + key + "' must be a list of names or numbers");
                    }
                    items.add(item.asText());
                }
                out.put(key, String.join(",", items));
            } else if (v.isValueNode() && !v.isNull()) {
                out.put(key.endsWith(".name") ? key.substring(0, key.length() - 5) : key, v.asText());
            } else {
                throw new ConfigurationException(file + ": '" + key + "' has no value");
            }
        }
    }

    /** This configuration with {@code key=value} set. */
    public RefineConfig with(String key, String value) {
        return with(Map.of(key, value));
    }

    /** This configuration with every {@code key=value} of {@code overrides} set. */
    public RefineConfig with(Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(values);
        // Plugin choices first, then fields: choosing a plugin drops the fields of the one it replaces,
        // which must not take the fields given with it.
        Map<String, String> ordered = new LinkedHashMap<>();
        overrides.forEach((key, value) -> {
            if (ROLES.contains(key)) {
                ordered.put(key, value);
            }
        });
        ordered.putAll(overrides);
        ordered.forEach((key, value) -> {
            if (key.isBlank() || value == null) {
                throw new ConfigurationException("a setting needs a key and a value, got '" + key + "=" + value + "'");
            }
            if (key.equals("method")) {
                throw new ConfigurationException("'method' chooses a preset; give it as the method, not as a setting");
            }
            int dot = key.indexOf('.');
            if (dot > 0 && !ROLES.contains(key.substring(0, dot))) {
                throw new ConfigurationException("setting '" + key + "': '" + key.substring(0, dot) + "' is not a role; roles: "
                        + String.join(", ", ROLES));
            }
            if (ROLES.contains(key) && !value.equals(v.get(key))) {
                // Another plugin for the role: the old plugin's fields do not apply to it.
                v.keySet().removeIf(k -> k.startsWith(key + "."));
            }
            v.put(key, value.strip());
        });
        java.util.Set<String> nowChanged = new java.util.HashSet<>(changed);
        nowChanged.addAll(ordered.keySet());
        return new RefineConfig(method, v, nowChanged);
    }

    public String method() {
        return method;
    }

    /** Every setting, for provenance and metrics. */
    public Map<String, String> values() {
        return values;
    }

    /** The plugin chosen for a role. */
    public String plugin(String role) {
        return values.get(role);
    }

    /** The settings of the plugin chosen for {@code role}. */
    public Settings settings(String role) {
        Map<String, String> fields = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(role + ".")) {
                fields.put(k.substring(role.length() + 1), v);
            }
        });
        return new Settings(role, plugin(role), fields);
    }

    /** The engine's own settings (keys without a dot that name no role). */
    public Settings engineSettings() {
        Map<String, String> fields = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.indexOf('.') < 0 && !ROLES.contains(k)) {
                fields.put(k, v);
            }
        });
        return new Settings("", method, fields);
    }

    @Override
    public String toString() {
        return method + " " + values;
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
