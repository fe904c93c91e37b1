package dev.rsr.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rsr.spi.ModulePartitioner;
import dev.rsr.spi.Settings;
import dev.rsr.training.TaskModule;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link ModulePartitioner}. Extend it and return your provider from
 * {@link #provider()}; override {@link #models()} to add models of your own.
 *
 * <p>Besides {@linkplain ProviderContract name and settings}, it checks that on every
 * {@linkplain TinyModels tiny model} (with zoo groups, with module-path names, with exporter names
 * only) a partition is a non-empty list of non-empty modules with distinct, non-blank names,
 * disjoint, of trainable parameters only (a frozen parameter, an integer constant, or a parameter
 * left out of the trainable list never appears); that it stays so with all-zero probe gradients
 * and with part of the model frozen; and that the same input gives the same partition.
 */
public abstract class ModulePartitionerContract extends ProviderContract<ModulePartitioner, ModulePartitioner.Partitioner> {

    protected ModulePartitionerContract() {
        super("partitioner");
    }

    @Override
    final ModulePartitioner.Partitioner create(ModulePartitioner provider, Settings settings) {
        return provider.create(settings);
    }

    /** The models partitioned: {@link TinyModels#all()} by default. */
    protected List<TinyModel> models() {
        return TinyModels.all();
    }

    /** The partitioner for {@link #settings()}, checked as the engine checks it. */
    protected final ModulePartitioner.Partitioner partitioner() {
        return configured();
    }

    /**
     * A partition of {@code input}, checked: non-empty; modules non-empty, named distinctly and not
     * blank; disjoint; trainable parameters only.
     */
    protected final List<TaskModule> partition(ModulePartitioner.Partitioner partitioner, ModulePartitioner.Input input, String what) {
        String name = provider().name();
        List<TaskModule> modules;
        try {
            modules = partitioner.partition(input);
        } catch (RuntimeException e) {
            return fail(name + ": partition() of the " + what + " threw " + e, e);
        }
        assertNotNull(modules, name + ": partition() of the " + what + " returned null");
        assertFalse(modules.isEmpty(), name + ": partition() of the " + what + " has no module: nothing would train");
        Set<String> names = new HashSet<>(), used = new HashSet<>(), trainable = new HashSet<>(input.trainable());
        for (TaskModule m : modules) {
            assertNotNull(m, name + ": partition() of the " + what + " contains null");
            assertFalse(m.name().isBlank(), name + ": a module of the " + what + " has a blank name");
            assertTrue(names.add(m.name()), name + ": module '" + m.name() + "' appears twice in the partition of the " + what);
            assertFalse(m.parameters().isEmpty(), name + ": module '" + m.name() + "' of the " + what + " is empty");
            for (String p : m.parameters()) {
                if (!trainable.contains(p)) {
                    fail(name + ": module '" + m.name() + "' of the " + what + " has '" + p + "', which is not a trainable parameter "
                            + "(trainable: " + input.trainable() + ")");
                }
                assertTrue(used.add(p), name + ": parameter '" + p + "' is in two modules of the " + what);
            }
        }
        return modules;
    }

    /** Every model is partitioned validly. */
    @Test
    public void partitionsEveryModelValidly() {
        for (TinyModel model : models()) {
            partition(partitioner(), model.input(seed()), model.toString());
        }
    }

    /** With the embeddings and the first layers frozen, only the parameters left trainable are partitioned. */
    @Test
    public void partitionsOnlyTrainableParameters() {
        for (TinyModel model : models()) {
            List<String> all = model.trainable();
            TinyModel partly = model.withTrainable(Set.copyOf(all.subList(all.size() / 2, all.size())));
            partition(partitioner(), partly.input(seed()), partly.toString());
        }
    }

    /** All-zero probe gradients still give a valid partition. */
    @Test
    public void partitionsWithAllZeroGradients() {
        for (TinyModel model : models()) {
            partition(partitioner(), model.zeroGradientInput(), model + " with all-zero gradients");
        }
    }

    /** The same input gives the same partition: twice from one partitioner, and from two of the same settings. */
    @Test
    public void partitionsAreDeterministic() {
        for (TinyModel model : models()) {
            ModulePartitioner.Partitioner first = partitioner(), second = partitioner();
            List<TaskModule> once = partition(first, model.input(seed()), model.toString());
            List<TaskModule> twice = partition(first, model.input(seed()), model.toString());
            List<TaskModule> other = partition(second, model.input(seed()), model.toString());
            assertEquals(once, twice, provider().name() + ": two calls on the " + model + " gave different partitions");
            assertEquals(once, other, provider().name() + ": two partitioners of the same settings partitioned the " + model + " differently");
        }
    }
}
