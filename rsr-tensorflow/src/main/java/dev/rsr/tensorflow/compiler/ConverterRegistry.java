package dev.rsr.tensorflow.compiler;

import dev.rsr.error.ModelException;
import dev.rsr.error.PluginException;
import dev.rsr.ir.Graph;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.tensorflow.spi.OpConverter;
import dev.rsr.tensorflow.spi.OpConverterProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Every {@link OpConverter} found on a class loader, by op key; two providers may not claim one op. */
public final class ConverterRegistry {
    private final Map<String, OpConverter> converters;

    private ConverterRegistry(Map<String, OpConverter> converters) {
        this.converters = Collections.unmodifiableMap(converters);
    }

    /** Registries already discovered, by class loader: models compile often, converters are found once. */
    private static final Map<ClassLoader, ConverterRegistry> DISCOVERED = Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The converters on the context class loader (or this class's), discovered on first use. */
    public static ConverterRegistry discover() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : ConverterRegistry.class.getClassLoader();
        ConverterRegistry known = DISCOVERED.get(loader);
        if (known == null) {
            known = discover(loader);
            DISCOVERED.put(loader, known);
        }
        return known;
    }

    private static ConverterRegistry discover(ClassLoader loader) {
        Map<String, OpConverter> all = new HashMap<>();
        Map<String, String> claimedBy = new HashMap<>();
        for (OpConverterProvider provider : PluginRegistry.discover(OpConverterProvider.class, loader).all()) {
            Map<String, OpConverter> provided;
            try {
                provided = provider.converters();
            } catch (RuntimeException e) {
                throw new PluginException("op converter plugin '" + provider.name() + "' failed to list its converters: " + e, e);
            }
            for (Map.Entry<String, OpConverter> e : provided.entrySet()) {
                String previous = claimedBy.putIfAbsent(e.getKey(), provider.name());
                if (previous != null) {
                    throw new PluginException("op '" + e.getKey() + "' is converted by two plugins, '" + previous + "' and '"
                            + provider.name() + "'; remove one");
                }
                all.put(e.getKey(), e.getValue());
            }
        }
        return new ConverterRegistry(all);
    }

    /** The key a node's converter is registered under: the op type, prefixed by a non-default domain. */
    public static String key(Node node) {
        return node.isDefaultDomain() ? node.opType() : node.domain() + "." + node.opType();
    }

    public OpConverter get(Node node) {
        return converters.get(key(node));
    }

    public Set<String> opKeys() {
        return new TreeSet<>(converters.keySet());
    }

    /** Throws, before any native work, when some nodes have no converter: lists each op once with a node using it. */
    public void requireAllSupported(ModelGraph model) {
        Map<String, Node> missing = new LinkedHashMap<>();
        collectMissing(model.graph(), missing);
        if (!missing.isEmpty()) {
            List<String> problems = new ArrayList<>();
            missing.forEach((op, node) -> problems.add("op '" + op + "' (e.g. " + node.describe() + ") is not supported by the TensorFlow backend"));
            throw new ModelException("model '" + model.graph().name() + "' cannot be compiled to TensorFlow", problems);
        }
    }

    private void collectMissing(Graph graph, Map<String, Node> missing) {
        for (Node n : graph.nodes()) {
            if (!converters.containsKey(key(n))) {
                missing.putIfAbsent(key(n), n);
            }
            // If branches, Loop and Scan bodies: their nodes are converted too.
            for (dev.rsr.ir.Attribute a : n.attributes().values()) {
                if (a.kind() == dev.rsr.ir.Attribute.Kind.GRAPH) {
                    collectMissing(a.asGraph(), missing);
                } else if (a.kind() == dev.rsr.ir.Attribute.Kind.GRAPHS) {
                    a.asGraphs().forEach(g -> collectMissing(g, missing));
                }
            }
        }
    }
}
