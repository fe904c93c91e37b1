package dev.rsr.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.GradientBooster;
import dev.rsr.spi.ImportanceStrategy;
import dev.rsr.spi.LearningRateController;
import dev.rsr.spi.MaskPolicy;
import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.ModuleSelector;
import dev.rsr.spi.NamedProvider;
import dev.rsr.spi.PheromoneStrategy;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in strategy registered in {@code META-INF/services} has a contract test: a
 * {@code @Nested} class of its SPI's contract test whose provider is of its class. A built-in
 * added without one fails here.
 */
class BuiltInsCoveredTest {
    private static final Map<Class<? extends NamedProvider>, Class<?>> CONTRACT_TESTS = Map.of(
            ImportanceStrategy.class, ImportanceStrategiesContractTest.class,
            MaskPolicy.class, MaskPoliciesContractTest.class,
            GradientBooster.class, GradientBoostersContractTest.class,
            PheromoneStrategy.class, PheromoneStrategiesContractTest.class,
            ModuleSelector.class, ModuleSelectorsContractTest.class,
            ModulePartitioner.class, ModulePartitionersContractTest.class,
            LearningRateController.class, LearningRateControllersContractTest.class);

    static java.util.stream.Stream<Arguments> spis() {
        return CONTRACT_TESTS.entrySet().stream().map(e -> Arguments.of(e.getKey().getSimpleName(), e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spis")
    void everyRegisteredProviderHasAContractTest(String spiName, Class<? extends NamedProvider> spi, Class<?> contractTest)
            throws ReflectiveOperationException {
        Set<String> registered = new TreeSet<>();
        PluginRegistry.discover(spi).all().forEach(p -> registered.add(p.getClass().getName()));
        assertFalse(registered.isEmpty(), "no built-in " + spiName + " found");
        Object outer = contractTest.getDeclaredConstructor().newInstance();
        Set<String> covered = new TreeSet<>();
        for (Class<?> nested : contractTest.getDeclaredClasses()) {
            if (!nested.isAnnotationPresent(Nested.class)) {
                continue;
            }
            Constructor<?> constructor = nested.getDeclaredConstructor(contractTest);
            Object test = constructor.newInstance(outer);
            Method provider = nested.getDeclaredMethod("provider");
            provider.setAccessible(true);
            covered.add(provider.invoke(test).getClass().getName());
        }
        assertEquals(registered, covered, spiName + ": the registered built-ins and those with a contract test differ");
    }
}
