package dev.rsr.inject;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.util.Types;
import dev.rsr.error.PluginException;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.NamedProvider;
import dev.rsr.spi.TrainingBackend;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every discovered plugin by SPI and name, as {@link RsrModule} bound them. Looking up a name that
 * is not there is an error listing the names that are.
 */
public final class Plugins {
    private final Injector injector;
    private final Map<Class<?>, Map<String, ?>> cache = new LinkedHashMap<>();

    @Inject
    Plugins(Injector injector) {
        this.injector = injector;
    }

    /** The plugins on the application's class path. */
    public static Plugins discover() {
        return Guice.createInjector(new RsrModule()).getInstance(Plugins.class);
    }

    /** The plugins on {@code loader} (one over a plugins directory, say, whose parent is the application's loader). */
    public static Plugins discover(ClassLoader loader) {
        return Guice.createInjector(new RsrModule(loader)).getInstance(Plugins.class);
    }

    /** The training backend bound by default: TensorFlow's, unless a module overrides it. */
    public TrainingBackend trainingBackend() {
        try {
            return injector.getInstance(TrainingBackend.class);
        } catch (com.google.inject.ProvisionException | com.google.inject.ConfigurationException e) {
            throw new PluginException("no training backend is bound (is rsr-tensorflow on the class path?)", e);
        }
    }

    /** The provider of {@code spi} named {@code name}. */
    public <T extends NamedProvider> T get(Class<T> spi, String name) {
        T provider = all(spi).get(name);
        if (provider == null) {
            throw new PluginException("no " + spi.getSimpleName() + " plugin named '" + name + "'; available: "
                    + (all(spi).isEmpty() ? "none (is its jar on the class path?)" : String.join(", ", all(spi).keySet())));
        }
        return provider;
    }

    /** Every provider of {@code spi}, by name, sorted. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends NamedProvider> Map<String, T> all(Class<T> spi) {
        return (Map<String, T>) cache.computeIfAbsent(spi, k -> new TreeMap<>((Map<String, T>) injector.getInstance(
                Key.get(Types.mapOf(String.class, spi)))));
    }

    /** "com.example.Foo (from foo.jar)": where a provider came from. */
    public static String origin(Object provider) {
        return PluginRegistry.origin(provider);
    }
}
