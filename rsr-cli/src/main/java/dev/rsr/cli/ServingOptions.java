package dev.rsr.cli;

import dev.rsr.huggingface.PretrainedModels;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.spi.InferenceBackend;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that serve a model: which backend, how many threads, how much graph optimization. */
final class ServingOptions {
    @Option(names = "--backend", defaultValue = "onnxruntime", description = "Inference backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Range(min = 0, max = 1024, note = "0 = all cores")
    @Option(names = "--threads", defaultValue = "0", description = "Threads inside one op; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--optimization", defaultValue = "ALL",
            description = "Graph optimization: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    InferenceOptions.GraphOptimization optimization;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    InferenceOptions inferenceOptions() {
        return new InferenceOptions(threads, 0, optimization);
    }

    Predictor open(ModelGraph model) {
        return backend().open(model, inferenceOptions());
    }

    InferenceBackend backend() {
        return pluginOptions.plugins().get(InferenceBackend.class, backend);
    }

    static ModelGraph read(Path file) {
        return OnnxFormat.read(file);
    }

    /** The model an ONNX file or a pretrained name gives, as commands taking --model FILE or --pretrained NAME read it. */
    static ModelGraph read(Path file, String pretrained) {
        return file != null ? read(file) : PretrainedModels.load(pretrained);
    }
}
