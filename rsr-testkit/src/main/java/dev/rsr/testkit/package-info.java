/**
 * The plugin test kit: abstract JUnit 5 contract tests that a plugin author extends, one per SPI,
 * so that every provider (built-in or third-party) is held to the same contract the engine
 * enforces at run time, before the plugin meets a real model.
 *
 * <p>Extend the contract of your SPI and return your provider:
 *
 * <pre>{@code
 * class MyImportanceTest extends ImportanceStrategyContract {
 *     protected ImportanceStrategy provider() {
 *         return new MyImportance();
 *     }
 *
 *     protected Map<String, String> settings() { // optional: the settings to test with
 *         return Map.of("epsilon", "1e-6");
 *     }
 * }
 * }</pre>
 *
 * <p>The contracts are {@link dev.rsr.testkit.ImportanceStrategyContract},
 * {@link dev.rsr.testkit.MaskPolicyContract}, {@link dev.rsr.testkit.GradientBoosterContract},
 * {@link dev.rsr.testkit.PheromoneStrategyContract}, {@link dev.rsr.testkit.ModuleSelectorContract},
 * {@link dev.rsr.testkit.ModulePartitionerContract} and
 * {@link dev.rsr.testkit.LearningRateControllerContract}; each checks the name and settings
 * ({@link dev.rsr.testkit.ProviderContract}) and the SPI's outputs. The fixtures they run on are
 * public for tests of your own: {@link dev.rsr.testkit.TestParameter} and
 * {@link dev.rsr.testkit.TestParameters} (parameters and scores),
 * {@link dev.rsr.testkit.TestModuleStates} (module states), {@link dev.rsr.testkit.TinyModels} and
 * {@link dev.rsr.testkit.TestPartitionInput} (models for partitioners).
 *
 * <p>This package depends on rsr-api and JUnit Jupiter's API only.
 */
package dev.rsr.testkit;
