package dev.rsr.spi;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.training.TaskModule;
import java.util.List;
import java.util.Map;

/** Groups a model's parameters into task modules, the units that are selected, rated and refined together. */
public interface ModulePartitioner extends NamedProvider {

    /**
     * A partitioner configured by {@code settings}.
     *
     * @param settings the plugin's settings; read every field here (the engine then calls {@link Settings#check()})
     * @return the partitioner
     */
    Partitioner create(Settings settings);

    /** What a partitioner may look at. */
    interface Input {

        /**
         * The model, with the task's head attached.
         *
         * @return the model
         */
        ModelGraph model();

        /**
         * The parameters that may train, in the order the graph first uses them; modules must use only these.
         *
         * @return the trainable initializer names
         */
        List<String> trainable();

        /**
         * The trainable parameters new to this task (a head attached for it), which usually form a module of their own.
         *
         * @return the names of the fresh parameters, a subset of {@link #trainable()}
         */
        java.util.Set<String> fresh();

        /**
         * The gradients of the task's loss for every trainable parameter on {@code batches} training
         * batches (host copies, computed on first use in a session of their own; the batches are
         * drawn from the training stream before refinement starts).
         *
         * @param batches how many training batches to use
         * @return one map of gradients by parameter name per batch
         */
        List<Map<String, TensorData>> probeGradients(int batches);
    }

    /** A configured partitioner. */
    interface Partitioner {

        /**
         * Disjoint, non-empty modules with distinct names; trainable parameters in none of them stay
         * frozen.
         *
         * @param input what the partitioner may look at
         * @return the modules, in order
         */
        List<TaskModule> partition(Input input);
    }
}
