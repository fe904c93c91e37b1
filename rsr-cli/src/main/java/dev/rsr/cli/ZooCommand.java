package dev.rsr.cli;

import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.zoo.Mlp;
import dev.rsr.zoo.TextClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "zoo", mixinStandardHelpOptions = true,
        description = "Build a model from the zoo with fresh, seeded weights and write it as ONNX.")
final class ZooCommand implements Callable<Integer> {
    enum Kind {
        TEXT_CLASSIFIER("text-classifier"), MLP("mlp");

        final String cliName;

        Kind(String cliName) {
            this.cliName = cliName;
        }

        @Override
        public String toString() {
            return cliName;
        }
    }

    @Option(names = "--model", required = true, converter = KindConverter.class,
            description = "Model: text-classifier or mlp.")
    Kind model;

    @PathRole(PathRole.Kind.OUTPUT_FILE)
    @Option(names = "--out", required = true, description = "Where to write the ONNX file.")
    Path out;

    @Range(min = 2, max = 1_000_000)
    @Option(names = "--classes", description = "Number of classes (text-classifier: 2, mlp: 3).")
    Integer classes;

    @Range(min = Long.MIN_VALUE, max = Long.MAX_VALUE)
    @Option(names = "--seed", defaultValue = "42", description = "Initialization seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Range(min = 16, max = 10_000_000)
    @Option(names = "--vocab", defaultValue = "2000", description = "text-classifier: vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Range(min = 1, max = 65536)
    @Option(names = "--dim", defaultValue = "64", description = "text-classifier: model width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Range(min = 1, max = 256)
    @Option(names = "--layers", defaultValue = "2", description = "text-classifier: encoder blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Range(min = 1, max = 1024)
    @Option(names = "--heads", defaultValue = "4", description = "text-classifier: attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Range(min = 1, max = 1_000_000)
    @Option(names = "--ffn-dim", description = "text-classifier: feed-forward width (default: 4 x dim).")
    Integer ffnDim;

    @Range(min = 2, max = 65536)
    @Option(names = "--max-length", defaultValue = "64", description = "text-classifier: longest sequence (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Range(min = 1, max = 100_000_000)
    @Option(names = "--inputs", defaultValue = "16", description = "mlp: input features (default: ${DEFAULT-VALUE}).")
    int inputs;

    @Range(min = 1, max = 100_000_000)
    @Option(names = "--hidden", split = ",", defaultValue = "32", description = "mlp: hidden widths, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelGraph graph = build();
        OnnxFormat.write(graph, out);
        spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters in %d groups, %d nodes%n", out, model,
                graph.parameterCount(), graph.metadata().parameterGroups().size(), graph.graph().nodes().size());
        return 0;
    }

    ModelGraph build() {
        return switch (model) {
            case TEXT_CLASSIFIER -> new TextClassifier(vocab, dim, layers, heads, ffnDim != null ? ffnDim : 4 * dim, maxLength,
                    classes != null ? classes : 2, seed).build();
            case MLP -> new Mlp(inputs, hidden, classes != null ? classes : 3, seed).build();
        };
    }

    static final class KindConverter implements picocli.CommandLine.ITypeConverter<Kind> {
        @Override
        public Kind convert(String value) {
            for (Kind k : Kind.values()) {
                if (k.cliName.equals(value)) {
                    return k;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("unknown model '" + value + "'; choose text-classifier or mlp");
        }
    }
}
