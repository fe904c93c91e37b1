package dev.rsr.spi;

import dev.rsr.error.ConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one configured plugin, read into its typed configuration. Values arrive as text
 * (from a JSON configuration file or {@code --set key=value}); each typed read validates its field
 * and, when the value is bad, records a problem and returns the default, so that {@link #check()}
 * reports every bad field of the plugin at once, with the plugin and field named. Keys no read
 * asked for are reported too (a misspelt key must not be silently ignored).
 *
 * <p>A plugin reads its settings once, in its {@code create} method, into a record; the engine
 * calls {@link #check()} right after, before the plugin is used.
 */
public final class Settings {
    private final String scope;
    private final String plugin;
    private final Map<String, String> values;
    private final Set<String> read = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * @param scope  where the settings live in a configuration, e.g. {@code mask}; fields are
     *               named {@code scope.field} in messages (just {@code field} for an empty scope)
     * @param plugin the name of the plugin they configure
     * @param values field → value as text
     */
    public Settings(String scope, String plugin, Map<String, String> values) {
        this.scope = scope;
        this.plugin = plugin;
        this.values = Map.copyOf(values);
    }

    /**
     * Settings with no values: every field at its default.
     *
     * @param scope  where the settings live in a configuration
     * @param plugin the name of the plugin they configure
     * @return the settings
     */
    public static Settings empty(String scope, String plugin) {
        return new Settings(scope, plugin, Map.of());
    }

    /**
     * Where the settings live in a configuration, e.g. {@code mask}; empty for the engine's own.
     *
     * @return the scope
     */
    public String scope() {
        return scope;
    }

    /**
     * The name of the plugin they configure.
     *
     * @return the plugin's name
     */
    public String plugin() {
        return plugin;
    }

    /**
     * The values as given, field → text.
     *
     * @return the values, unmodifiable
     */
    public Map<String, String> values() {
        return values;
    }

    /**
     * A number in {@code [min, max]}.
     *
     * @param field        the field's name
     * @param defaultValue the value when the field is absent or bad
     * @param min          the smallest value allowed
     * @param max          the largest value allowed
     * @return the value, or {@code defaultValue}
     */
    public double decimal(String field, double defaultValue, double min, double max) {
        String text = raw(field);
        if (text == null) {
            return defaultValue;
        }
        try {
            double v = Double.parseDouble(text.strip());
            if (Double.isFinite(v) && v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(field, "must be a number in [" + min + ", " + max + "], got '" + text + "'");
        return defaultValue;
    }

    /**
     * A number in {@code (min, max]}: {@code min} itself is refused.
     *
     * @param field        the field's name
     * @param defaultValue the value when the field is absent or bad
     * @param max          the largest value allowed
     * @return the value, or {@code defaultValue}
     */
    public double positiveDecimal(String field, double defaultValue, double max) {
        double v = decimal(field, defaultValue, 0, max);
        if (v == 0 && raw(field) != null) {
            problem(field, "must be > 0 and <= " + max + ", got 0");
            return defaultValue;
        }
        return v;
    }

    /**
     * A whole number in {@code [min, max]}.
     *
     * @param field        the field's name
     * @param defaultValue the value when the field is absent or bad
     * @param min          the smallest value allowed
     * @param max          the largest value allowed
     * @return the value, or {@code defaultValue}
     */
    public int integer(String field, int defaultValue, int min, int max) {
        String text = raw(field);
        if (text == null) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(text.strip());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(field, "must be a whole number in [" + min + ", " + max + "], got '" + text + "'");
        return defaultValue;
    }

    /**
     * {@code true} or {@code false}.
     *
     * @param field        the field's name
     * @param defaultValue the value when the field is absent or bad
     * @return the value, or {@code defaultValue}
     */
    public boolean flag(String field, boolean defaultValue) {
        String text = raw(field);
        if (text == null) {
            return defaultValue;
        }
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problem(field, "must be true or false, got '" + text + "'");
                yield defaultValue;
            }
        };
    }

    /**
     * One of {@code allowed}.
     *
     * @param field        the field's name
     * @param defaultValue the value when the field is absent or bad
     * @param allowed      the accepted values
     * @return the value, or {@code defaultValue}
     */
    public String choice(String field, String defaultValue, List<String> allowed) {
        String text = raw(field);
        if (text == null) {
            return defaultValue;
        }
        if (!allowed.contains(text.strip())) {
            problem(field, "must be one of " + String.join(", ", allowed) + ", got '" + text + "'");
            return defaultValue;
        }
        return text.strip();
    }

    /**
     * A comma-separated list of names (empty text: the empty list).
     *
     * @param field        the field's name
     * @param defaultValue the value when the field is absent
     * @return the names, stripped of surrounding spaces
     */
    public List<String> names(String field, List<String> defaultValue) {
        String text = raw(field);
        if (text == null) {
            return defaultValue;
        }
        return text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::strip).toList();
    }

    /**
     * The text of a field as given (null when absent), for fields of a form of the plugin's own.
     *
     * @param field the field's name
     * @return the text, or null
     */
    public String text(String field) {
        return raw(field);
    }

    /**
     * Records a problem found by the plugin itself (a combination of fields, say).
     *
     * @param field   the field at fault, named with the scope in the message
     * @param message what is wrong, e.g. {@code must be > 0}
     */
    public void problem(String field, String message) {
        problems.add(qualified(field) + " " + message);
    }

    private String qualified(String field) {
        return scope.isEmpty() ? field : scope + "." + field;
    }

    private String raw(String field) {
        read.add(field);
        return values.get(field);
    }

    /** "mask 'top-global'", or "method 'rsr'" for the engine's own settings. */
    private String owner() {
        return (scope.isEmpty() ? "method" : scope) + " '" + plugin + "'";
    }

    /**
     * Throws one {@link ConfigurationException} naming the plugin and every bad or unknown field,
     * if there is any.
     */
    public void check() {
        List<String> all = new ArrayList<>(problems);
        Map<String, String> unknown = new LinkedHashMap<>(values);
        unknown.keySet().removeAll(read);
        unknown.keySet().forEach(k -> all.add(qualified(k) + " is not a setting of " + owner()
                + (read.isEmpty() ? " (it has none)" : " (settings: " + String.join(", ", read) + ")")));
        if (!all.isEmpty()) {
            throw new ConfigurationException(owner() + ": " + String.join("; ", all));
        }
    }
}
