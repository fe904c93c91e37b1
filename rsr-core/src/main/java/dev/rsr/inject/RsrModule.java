package dev.rsr.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.InferenceBackend;
import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.MaskPolicy;
import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.NamedProvider;
import dev.rsr.spi.PheromoneStrategy;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.spi.TokenizerProvider;
import dev.rsr.spi.TrainingBackend;
import java.util.List;

/**
 * The one place plugins are discovered: every provider of every RSR SPI found through
 * {@link java.util.ServiceLoader} on one class loader (the application's, or one over a plugins
 * directory), validated (unique names; a failing provider named with its jar) and bound by name in
 * a {@link MapBinder} per SPI. The default training and inference backends are bound with
 * {@link OptionalBinder#setDefault()}, so a user's module can replace either:
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new RsrModule(), new AbstractModule() {
 *     protected void configure() {
 *         OptionalBinder.newOptionalBinder(binder(), TrainingBackend.class).setBinding().to(MyBackend.class);
 *     }
 * });
 * }</pre>
 */
public final class RsrModule extends AbstractModule {
    /** Every SPI the engine and the command line look plugins up in. */
    public static final List<Class<? extends NamedProvider>> SPIS = List.of(ImportanceStrategy.class, MaskPolicy.class,
            GradientBooster.class, PheromoneStrategy.class, ModuleSelector.class, ModulePartitioner.class, LearningRateController.class,
            PretrainingObjective.class, TokenizerProvider.class, TrainingBackend.class, InferenceBackend.class);
    /** The backends bound by default when their jars are present. */
    public static final String DEFAULT_TRAINING_BACKEND = "tensorflow";
    public static final String DEFAULT_INFERENCE_BACKEND = "onnxruntime";

    private final ClassLoader loader;

    /** Plugins on the context class loader (or this class's). */
    public RsrModule() {
        this(Thread.currentThread().getContextClassLoader() != null ? Thread.currentThread().getContextClassLoader()
                : RsrModule.class.getClassLoader());
    }

    /** Plugins on {@code loader}, e.g. one over a plugins directory whose parent is the application's. */
    public RsrModule(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    protected void configure() {
        for (Class<? extends NamedProvider> spi : SPIS) {
            bindAll(spi);
        }
    }

    private <T extends NamedProvider> void bindAll(Class<T> spi) {
        PluginRegistry<T> registry = PluginRegistry.discover(spi, loader);
        MapBinder<String, T> byName = MapBinder.newMapBinder(binder(), String.class, spi);
        for (T provider : registry.all()) {
            byName.addBinding(provider.name()).toInstance(provider);
        }
        String defaultName = spi == TrainingBackend.class ? DEFAULT_TRAINING_BACKEND
                : spi == InferenceBackend.class ? DEFAULT_INFERENCE_BACKEND : null;
        if (defaultName != null) {
            OptionalBinder<T> binder = OptionalBinder.newOptionalBinder(binder(), spi);
            registry.find(defaultName).ifPresent(p -> binder.setDefault().toInstance(p));
        }
    }
}
