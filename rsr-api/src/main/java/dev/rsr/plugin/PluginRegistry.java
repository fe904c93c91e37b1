package dev.rsr.plugin;

import dev.rsr.error.PluginException;
import dev.rsr.spi.NamedProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one SPI found on a class loader, by name. Discovery validates what it finds:
 * a provider that fails to load or has a blank or duplicate name is an error naming the class
 * and the jar it came from, never silently skipped.
 *
 * @param <T> the SPI
 */
public final class PluginRegistry<T extends NamedProvider> {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    private final Class<T> spi;
    private final Map<String, T> byName;

    private PluginRegistry(Class<T> spi, Map<String, T> byName) {
        this.spi = spi;
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * Discovers the providers of {@code spi} on the context class loader (or this class's loader).
     *
     * @param <T> the SPI
     * @param spi the SPI's interface
     * @return the registry
     * @throws PluginException when a provider fails to load or has a blank or duplicate name
     */
    public static <T extends NamedProvider> PluginRegistry<T> discover(Class<T> spi) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return discover(spi, loader != null ? loader : PluginRegistry.class.getClassLoader());
    }

    /**
     * Discovers the providers of {@code spi} on {@code loader}, e.g. one over a plugins directory.
     *
     * @param <T>    the SPI
     * @param spi    the SPI's interface
     * @param loader where to look
     * @return the registry
     * @throws PluginException when a provider fails to load or has a blank or duplicate name
     */
    public static <T extends NamedProvider> PluginRegistry<T> discover(Class<T> spi, ClassLoader loader) {
        Map<String, T> found = new LinkedHashMap<>();
        Iterator<T> it = ServiceLoader.load(spi, loader).iterator();
        while (true) {
            T provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                throw new PluginException("cannot load a " + spi.getSimpleName() + " plugin: " + e.getMessage(), e);
            }
            String name;
            try {
                name = provider.name();
            } catch (RuntimeException e) {
                throw new PluginException(spi.getSimpleName() + " plugin " + origin(provider) + " failed in name(): " + e, e);
            }
            if (name == null || name.isBlank()) {
                throw new PluginException(spi.getSimpleName() + " plugin " + origin(provider) + " has a blank name");
            }
            T previous = found.putIfAbsent(name, provider);
            if (previous != null) {
                throw new PluginException("two " + spi.getSimpleName() + " plugins are named '" + name + "': "
                        + origin(previous) + " and " + origin(provider) + "; remove one jar or rename a plugin");
            }
            LOG.debug("found {} plugin '{}': {}", spi.getSimpleName(), name, origin(provider));
        }
        return new PluginRegistry<>(spi, found);
    }

    /**
     * A provider's class and the jar it came from, for messages and logs:
     * "com.example.Foo (from foo.jar)".
     *
     * @param provider a loaded provider
     * @return the class name and jar file name, or "unknown location" when there is none
     */
    public static String origin(Object provider) {
        String where = "unknown location";
        var source = provider.getClass().getProtectionDomain().getCodeSource();
        if (source != null && source.getLocation() != null) {
            String path = source.getLocation().getPath();
            where = path.substring(path.lastIndexOf('/', path.length() - 2) + 1);
        }
        return provider.getClass().getName() + " (from " + where + ")";
    }

    /**
     * The provider named {@code name}, if any.
     *
     * @param name a provider name
     * @return the provider, or empty
     */
    public Optional<T> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The provider named {@code name}, or an error listing the names there are.
     *
     * @param name a provider name
     * @return the provider
     * @throws PluginException when there is none by that name
     */
    public T get(String name) {
        T provider = byName.get(name);
        if (provider == null) {
            throw new PluginException("no " + spi.getSimpleName() + " plugin named '" + name + "'; available: "
                    + (byName.isEmpty() ? "none (is its jar on the class path?)" : String.join(", ", byName.keySet())));
        }
        return provider;
    }

    /**
     * The names of the providers, in discovery order.
     *
     * @return a new list of the names
     */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /**
     * Every provider, in discovery order.
     *
     * @return a new list of the providers
     */
    public List<T> all() {
        return new ArrayList<>(byName.values());
    }
}
