package dev.rsr.testkit;

import dev.rsr.ir.ModelGraph;
import dev.rsr.spi.ModulePartitioner;
import java.util.List;
import java.util.Set;

/**
 * A tiny model and what the engine would tell a partitioner about it: the parameters that may
 * train, in the order the graph first uses them, and those new to the task. See {@link TinyModels}.
 *
 * @param label     a short name for messages ({@code grouped}, {@code hierarchical}, {@code anonymous})
 * @param model     the validated model
 * @param trainable the floating-point parameters that may train, in first-use order
 * @param fresh     the trainable parameters new to the task (the head's)
 */
public record TinyModel(String label, ModelGraph model, List<String> trainable, Set<String> fresh) {
    public TinyModel {
        trainable = List.copyOf(trainable);
        fresh = Set.copyOf(fresh);
    }

    /** The same model with only {@code parameters} trainable (kept in first-use order); fresh ones stay fresh if kept. */
    public TinyModel withTrainable(Set<String> parameters) {
        List<String> kept = trainable.stream().filter(parameters::contains).toList();
        return new TinyModel(label + " (" + kept.size() + " trainable)", model, kept,
                Set.copyOf(fresh.stream().filter(parameters::contains).toList()));
    }

    /** A partitioner's input whose probe gradients are drawn from {@code seed}. */
    public ModulePartitioner.Input input(long seed) {
        return TestPartitionInput.of(this, seed);
    }

    /** A partitioner's input whose probe gradients are all zero. */
    public ModulePartitioner.Input zeroGradientInput() {
        return TestPartitionInput.zeroGradients(this);
    }

    @Override
    public String toString() {
        return "tiny " + label + " model";
    }
}
