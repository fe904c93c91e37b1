package dev.rsr.training;

import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A group of parameters refined together, with its own learning rate: RSR's task-specific
 * module. (Named so as not to collide with {@code java.lang.Module} or Guice's {@code Module}.)
 *
 * @param name       stable name, e.g. {@code encoder.layer1}
 * @param parameters initializer names
 */
public record TaskModule(String name, List<String> parameters) {
    /**
     * Copies the parameter list.
     *
     * @param name       stable name, e.g. {@code encoder.layer1}
     * @param parameters initializer names
     * @throws NullPointerException when {@code name} is null
     */
    public TaskModule {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
    }

    /**
     * One module per parameter group the model declares, in order; floating-point parameters in no
     * group form a last module named {@code ungrouped}.
     *
     * @param model a model, with its parameter groups in its metadata
     * @return the modules, in order
     */
    public static List<TaskModule> fromParameterGroups(ModelGraph model) {
        Map<String, TensorData> init = model.graph().initializers();
        List<TaskModule> modules = new ArrayList<>();
        Set<String> grouped = new HashSet<>();
        for (Map.Entry<String, List<String>> g : model.metadata().parameterGroups().entrySet()) {
            List<String> params = g.getValue().stream()
                    .filter(p -> init.containsKey(p) && init.get(p).type().isFloatingPoint()).toList();
            grouped.addAll(params);
            if (!params.isEmpty()) {
                modules.add(new TaskModule(g.getKey(), params));
            }
        }
        List<String> rest = new ArrayList<>();
        init.forEach((name, t) -> {
            if (t.type().isFloatingPoint() && !grouped.contains(name)) {
                rest.add(name);
            }
        });
        if (!rest.isEmpty()) {
            modules.add(new TaskModule("ungrouped", rest));
        }
        return modules;
    }

    /**
     * Modules by name, in order.
     *
     * @param modules the modules
     * @return a map from name to module, in the order given
     */
    public static Map<String, TaskModule> byName(List<TaskModule> modules) {
        Map<String, TaskModule> m = new LinkedHashMap<>();
        modules.forEach(t -> m.put(t.name(), t));
        return m;
    }
}
