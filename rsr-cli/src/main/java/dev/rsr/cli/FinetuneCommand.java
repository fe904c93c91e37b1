package dev.rsr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rsr.data.TextExample;
import dev.rsr.data.TableFormat;
import dev.rsr.data.TextTableReader;
import dev.rsr.engine.Classification;
import dev.rsr.engine.FineTuneConfig;
import dev.rsr.engine.FineTuneMetrics;
import dev.rsr.engine.FineTuner;
import dev.rsr.engine.Provenance;
import dev.rsr.engine.RefineConfig;
import dev.rsr.engine.TextBatches;
import dev.rsr.engine.TextTask;
import dev.rsr.error.ConfigurationException;
import dev.rsr.error.DataException;
import dev.rsr.error.ModelException;
import dev.rsr.huggingface.HuggingFaceTokenizer;
import dev.rsr.huggingface.PretrainedModels;
import dev.rsr.inference.InferenceOptions;
import dev.rsr.inference.Predictor;
import dev.rsr.io.AtomicFiles;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.Node;
import dev.rsr.ir.TensorData;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.onnx.OrtInferenceBackend;
import dev.rsr.inject.Plugins;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.tensorflow.TensorFlowInferenceBackend;
import dev.rsr.tensorflow.TensorFlowTrainingBackend;
import dev.rsr.training.Batch;
import dev.rsr.spi.Tokenizer;
import dev.rsr.zoo.Heads;
import dev.rsr.zoo.TextClassifier;
import dev.rsr.zoo.TextEncoder;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Fine-tune a text classifier on labelled texts (TSV, CSV or JSONL) with TensorFlow, export it as ONNX with its "
                + "tokenizer and labels, and check that ONNX Runtime reproduces TensorFlow's predictions on the eval set."})
final class FinetuneCommand implements Callable<Integer> {
    static final class Base {
        @Option(names = "--model", description = "Start from this ONNX text classifier (inputs input_ids, attention_mask; output logits).")
        Path model;

        @Option(names = "--zoo", description = "Start from a fresh zoo model: text-classifier.")
        String zoo;

        @Option(names = "--pretrained", description = "Start from a pretrained encoder shipped with RSR: all-minilm-l6-v2.")
        String pretrained;
    }

    @Option(names = "--tokenizer", description = "A Hugging Face tokenizer.json for a --model encoder that carries no tokenizer.")
    Path tokenizerFile;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Base base;

    @Option(names = "--train", required = true, description = "Training data, text<TAB>label per line.")
    Path train;

    @Option(names = "--eval", required = true, description = "Evaluation data, text<TAB>label per line.")
    Path eval;

    @Option(names = "--format", description = "Data format: ${COMPLETION-CANDIDATES} (default: from the file name).")
    TableFormat format;

    @Option(names = "--text-column", defaultValue = "text",
            description = "Text column: a header name, or a 0-based position in files without a header (default: ${DEFAULT-VALUE}; position 0 without a header).")
    String textColumn;

    @Option(names = "--label-column", defaultValue = "label",
            description = "Label column: a header name or a 0-based position (default: ${DEFAULT-VALUE}; position 1 without a header).")
    String labelColumn;

    @Option(names = "--method", description = "Refinement method: full, bitfit, child-tuning-f, fish, lisa, rsr (default: the "
            + "configuration file's, else full).")
    String method;

    @picocli.CommandLine.Mixin
    MethodOptions methodOptions = new MethodOptions();

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @Option(names = "--out", required = true, description = "Where to write the refined ONNX model.")
    Path out;

    @Option(names = "--metrics", description = "Where to write metrics.json (default: beside --out).")
    Path metrics;

    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps (0 = no step limit).")
    int maxSteps;

    @Option(names = "--epochs", defaultValue = "0", description = "Stop after this many passes over the data (0 = no epoch limit; default 3 when neither is given).")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of initialization and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "100", description = "Evaluate every this many steps (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--vocab", defaultValue = "5000", description = "Largest tokenizer vocabulary (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Option(names = "--max-length", defaultValue = "64", description = "Longest token sequence; longer texts are cut and counted (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--dim", defaultValue = "64", description = "zoo: model width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--layers", defaultValue = "2", description = "zoo: encoder blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", defaultValue = "4", description = "zoo: attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--reinit", description = "Re-initialize the --model's weights randomly (zoo initialization, --seed): the "
            + "from-scratch baseline of a pretrained encoder with the same architecture and tokenizer.")
    boolean reinit;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RefineConfig refineConfig = methodOptions.resolve(method, "full");
        FineTuneConfig config = new FineTuneConfig(refineConfig, maxSteps, maxSteps == 0 && epochs == 0 ? 3 : epochs, batch, seed, evalEvery);
        List<TextExample> trainData = reader(train).read(train);
        List<TextExample> evalData = reader(eval).read(eval);

        ModelGraph start;
        TextTask task;
        String baseDescription;
        Set<String> fresh = Set.of();
        if (base.model != null || base.pretrained != null) {
            String source = base.model != null ? base.model.toString() : base.pretrained;
            byte[] bytes = base.model != null ? readModelFile(base.model) : null;
            ModelGraph read = bytes != null ? OnnxFormat.fromBytes(bytes, source) : PretrainedModels.load(base.pretrained);
            if (tokenizerFile != null) {
                read = TextTask.attachTokenizer(read, HuggingFaceTokenizer.fromJson(Files.readString(tokenizerFile), tokenizerFile.toString()));
            }
            baseDescription = bytes != null ? "file sha256:" + Provenance.sha256(bytes) : "pretrained " + base.pretrained;
            ModelGraph loaded = reinit ? read.withInitializers(dev.rsr.ir.builder.ParameterInit.reinitialize(read, seed)) : read;
            if (reinit) {
                baseDescription += " re-initialized (seed " + seed + ")";
            }
            if (loaded.graph().output(TextClassifier.LOGITS).isPresent()) {
                start = loaded;
                task = TextTask.fromModel(start, source).orElseGet(() ->
                        TextTask.fromTraining(trainData, Math.min(vocab, embeddingRows(loaded)), maxLength));
                checkClassifier(start, task);
            } else {
                // An encoder (from rsr pretrain, or a pretrained transformer): attach a fresh head for this task's labels.
                String hidden = hiddenOutput(loaded);
                Tokenizer tokenizer = TextTask.tokenizerOf(loaded, source).orElseThrow(() -> new ModelException(
                        source + ": an encoder without a saved tokenizer; give the one it was trained with (--tokenizer tokenizer.json)"));
                int length = Integer.parseInt(loaded.metadata().properties().getOrDefault(TextTask.MAX_LENGTH_PROPERTY,
                        Integer.toString(maxLength)));
                task = TextTask.withTokenizer(trainData, tokenizer, Math.min(length, maxLength));
                start = Heads.classifier(loaded, hidden, task.labels().size(), seed);
                fresh = Set.copyOf(start.metadata().parameterGroups().getOrDefault(Heads.CLASSIFIER_GROUP, List.of()));
                err.printf("encoder %s: attached a fresh %d-class head to output '%s'%n", source, task.labels().size(), hidden);
            }
        } else {
            if (!base.zoo.equals("text-classifier")) {
                throw new ConfigurationException("--zoo: unknown model '" + base.zoo + "'; choose text-classifier");
            }
            task = TextTask.fromTraining(trainData, vocab, maxLength);
            TextClassifier zooModel = new TextClassifier(task.tokenizer().vocabularySize(), dim, layers, heads, 4 * dim, maxLength,
                    task.labels().size(), seed);
            start = zooModel.build();
            baseDescription = "zoo " + zooModel;
        }
        TextTask.EncodedExamples trainSet = task.encode(trainData);
        TextTask.EncodedExamples evalSet = task.encode(evalData);
        err.printf("task: %d labels, vocabulary %d, %d train / %d eval examples; %,d parameters%n", task.labels().size(),
                task.tokenizer().vocabularySize(), trainSet.size(), evalSet.size(), start.parameterCount());
        if (trainSet.truncated() > 0) {
            err.printf("note: %d training texts are longer than --max-length %d and were cut%n", trainSet.truncated(), maxLength);
        }

        Plugins plugins = pluginOptions.plugins();
        TrainingBackend backend = plugins.get(TrainingBackend.class, TensorFlowTrainingBackend.NAME);
        boolean pretrained = (base.model != null || base.pretrained != null) && !reinit;
        FineTuner.Result result = new FineTuner(backend, plugins, threads).run(
                new FineTuner.Start(start, baseDescription, pretrained ? fresh : Set.of(), pretrained), task,
                new FineTuner.Data(trainSet, evalSet, Provenance.sha256(Files.readAllBytes(train)), Provenance.sha256(Files.readAllBytes(eval))),
                config, new ProgressPrinter(err, refineConfig.method()));
        ModelGraph refined = result.model();
        Map<String, Object> exportCheck = checkExport(refined, evalSet, TextBatches.Layout.of(refined, task.tokenizer()));
        OnnxFormat.write(refined, out);
        Path metricsFile = metrics != null ? metrics : out.resolveSibling(out.getFileName() + ".metrics.json");
        writeMetrics(metricsFile, result.metrics(), exportCheck);
        err.printf("wrote %s and %s%n", out, metricsFile);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("method %s: %d steps in %.1f s, eval accuracy %.4f, eval loss %.4f; ONNX Runtime agrees on %.2f%% of argmaxes, "
                        + "max probability difference %.2g%n", refineConfig.method(), result.metrics().steps(), result.metrics().trainSeconds(),
                result.metrics().evalAccuracy(), result.metrics().evalLoss(), 100 * (double) exportCheck.get("argmax_agreement"),
                (double) exportCheck.get("max_probability_diff"));
        stdout.flush();
        if ((double) exportCheck.get("argmax_agreement") < 1.0 || (double) exportCheck.get("max_probability_diff") > 1e-5) {
            throw new ModelException("the exported model does not reproduce TensorFlow's predictions: " + exportCheck);
        }
        return 0;
    }

    /** The model file's bytes (parsed and hashed from one read); a missing file is named. */
    private static byte[] readModelFile(Path file) throws java.io.IOException {
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": no such file");
        }
        return Files.readAllBytes(file);
    }

    private TextTableReader reader(Path file) {
        return new TextTableReader(format != null ? format : TableFormat.of(file), textColumn, labelColumn);
    }

    /** TensorFlow and ONNX Runtime on the refined model, over the eval set. */
    private static Map<String, Object> checkExport(ModelGraph refined, TextTask.EncodedExamples evalSet, TextBatches.Layout layout) {
        long agree = 0, total = 0;
        double worst = 0;
        InferenceOptions options = InferenceOptions.defaults();
        try (Predictor tf = new TensorFlowInferenceBackend().open(refined, options);
             Predictor ort = new OrtInferenceBackend().open(refined, options)) {
            for (Batch b : TextBatches.inOrder(evalSet, 64, layout)) {
                TensorData p = tf.predict(b.inputs()).get(TextClassifier.PROBABILITIES);
                TensorData q = ort.predict(b.inputs()).get(TextClassifier.PROBABILITIES);
                int[] a1 = Classification.argmax(p), a2 = Classification.argmax(q);
                for (int i = 0; i < a1.length; i++) {
                    agree += a1[i] == a2[i] ? 1 : 0;
                }
                total += a1.length;
                worst = Math.max(worst, ParityCommand.maxAbsDiff(TextClassifier.PROBABILITIES, p, q));
            }
        }
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("examples", total);
        check.put("argmax_agreement", agree / (double) total);
        check.put("max_probability_diff", worst);
        return check;
    }

    private static void writeMetrics(Path file, FineTuneMetrics m, Map<String, Object> exportCheck) {
        ObjectMapper mapper = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> json = mapper.convertValue(m, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
        json.put("export_check", exportCheck);
        AtomicFiles.write(file, stream -> stream.write(mapper.writeValueAsBytes(json)));
    }

    /** The encoder's per-token output: {@code hidden}, {@code last_hidden_state}, or its only float[batch, sequence, dim] output. */
    static String hiddenOutput(ModelGraph encoder) {
        List<String> candidates = encoder.graph().outputs().stream()
                .filter(v -> v.shape().hasRank() && v.shape().rank() == 3 && v.type() == dev.rsr.ir.DataType.FLOAT)
                .map(dev.rsr.ir.ValueInfo::name).toList();
        for (String preferred : List.of(TextEncoder.HIDDEN, "last_hidden_state")) {
            if (candidates.contains(preferred)) {
                return preferred;
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        throw new ModelException("the model has no 'logits' output and no single float[batch, sequence, dim] output to attach a "
                + "classifier to (outputs: " + encoder.graph().outputs() + ")");
    }

    /** Rows of the embedding table that {@code input_ids} indexes. */
    private static int embeddingRows(ModelGraph model) {
        return (int) RandomInputs.gatherRows(model, TextClassifier.INPUT_IDS).orElseThrow(() -> new ModelException(
                "the model has no embedding table (a Gather of an initializer by '" + TextClassifier.INPUT_IDS
                        + "'), so RSR cannot size a tokenizer for it"));
    }

    private static void checkClassifier(ModelGraph model, TextTask task) {
        for (String input : List.of(TextClassifier.INPUT_IDS, TextClassifier.ATTENTION_MASK)) {
            if (model.graph().input(input).isEmpty()) {
                throw new ModelException("the model has no input '" + input + "'; a text classifier takes input_ids and attention_mask");
            }
        }
        var logits = model.graph().output(TextClassifier.LOGITS).orElseThrow(() ->
                new ModelException("the model has no output 'logits'"));
        if (logits.shape().hasRank() && logits.shape().rank() == 2 && logits.shape().dim(1).isFixed()
                && logits.shape().dim(1).size() != task.labels().size()) {
            throw new DataException("the model has " + logits.shape().dim(1).size() + " classes but the data has "
                    + task.labels().size() + " labels " + task.labels());
        }
    }


}
