package dev.rsr.cli;

import dev.rsr.data.TableFormat;
import dev.rsr.data.TextExample;
import dev.rsr.data.TextTableReader;
import dev.rsr.engine.ClassifierOutput;
import dev.rsr.engine.FineTuner;
import dev.rsr.engine.Provenance;
import dev.rsr.engine.TensorExamples;
import dev.rsr.engine.TextTask;
import dev.rsr.error.ConfigurationException;
import dev.rsr.error.DataException;
import dev.rsr.error.ModelException;
import dev.rsr.huggingface.HuggingFaceTokenizer;
import dev.rsr.huggingface.PretrainedModels;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.spi.Tokenizer;
import dev.rsr.zoo.Heads;
import dev.rsr.zoo.TextClassifier;
import dev.rsr.zoo.TextEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * A text-classification task and where its model starts, as {@code finetune} and {@code bench}
 * take them: the data files, and a classifier or encoder to start from (a file, a pretrained
 * shortcut or a fresh zoo model).
 */
final class TaskOptions {
    static final class Base {
        @PathRole(PathRole.Kind.INPUT_FILE)
        @Option(names = "--model", description = "Start from this ONNX text classifier or encoder (inputs input_ids, attention_mask), or, "
                + "with finetune, from any classifier that has a float [batch, classes] output.")
        Path model;

        @Option(names = "--zoo", description = "Start from a fresh zoo model: text-classifier.")
        String zoo;

        @Option(names = "--pretrained", description = "Start from a pretrained encoder shipped with RSR: all-minilm-l6-v2.")
        String pretrained;
    }

    // Checked in requireOptions, not by picocli: bench's subcommands do not take these options, and
    // picocli would demand a parent command's required options of its subcommands too.
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Base base;

    @PathRole(PathRole.Kind.INPUT_FILE)
    @Option(names = "--tokenizer", description = "A Hugging Face tokenizer.json for a --model encoder that carries no tokenizer.")
    Path tokenizerFile;

    @PathRole(PathRole.Kind.INPUT_FILE)
    @Option(names = "--train", description = "Training data: TSV, CSV or JSONL with text and label columns; for a model of other "
            + "inputs, JSONL of its inputs and an integer label.")
    Path train;

    @PathRole(PathRole.Kind.INPUT_FILE)
    @Option(names = "--eval", description = "Evaluation data, in the same form.")
    Path eval;

    @Option(names = "--format", description = "Data format: ${COMPLETION-CANDIDATES} (default: from the file name).")
    TableFormat format;

    @Option(names = "--text-column", defaultValue = "text",
            description = "Text column: a header name, or a 0-based position in files without a header (default: ${DEFAULT-VALUE}; position 0 without a header).")
    String textColumn;

    @Option(names = "--label-column", defaultValue = "label",
            description = "Label column: a header name or a 0-based position (default: ${DEFAULT-VALUE}; position 1 without a header).")
    String labelColumn;

    @Range(min = 16, max = 10_000_000)
    @Option(names = "--vocab", defaultValue = "5000", description = "Largest tokenizer vocabulary (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Range(min = 2, max = 65536)
    @Option(names = "--max-length", defaultValue = "64", description = "Longest token sequence; longer texts are cut and counted (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Range(min = 1, max = 65536)
    @Option(names = "--dim", defaultValue = "64", description = "zoo: model width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Range(min = 1, max = 256)
    @Option(names = "--layers", defaultValue = "2", description = "zoo: encoder blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Range(min = 1, max = 1024)
    @Option(names = "--heads", defaultValue = "4", description = "zoo: attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--reinit", description = "Re-initialize the --model's weights randomly (zoo initialization, --seed): the "
            + "from-scratch baseline of a pretrained encoder with the same architecture and tokenizer.")
    boolean reinit;

    /** The task, its data and its starting model. */
    record Prepared(FineTuner.Start start, TextTask task, FineTuner.Data data) {
    }

    private List<TextExample> trainData, evalData;
    private byte[] trainBytes, evalBytes, modelBytes;
    private ModelGraph read;
    private TensorExamples trainTensors, evalTensors;

    /** A classifier of named input tensors, its data and its starting model. */
    record PreparedTensors(FineTuner.Start start, ClassifierOutput logits, FineTuner.ExampleData data) {
    }

    /**
     * Whether the task is a classifier of named input tensors rather than of texts: a {@code --model}
     * that takes no {@code input_ids}, or one that does but whose JSONL training data holds no text
     * column (then its lines hold the inputs themselves).
     */
    boolean tensorTask() throws IOException {
        if (base.model == null) {
            return false;
        }
        ModelGraph model = readModel();
        if (model.graph().input(TextClassifier.INPUT_IDS).isEmpty()) {
            return true;
        }
        if ((format != null ? format : TableFormat.of(train)) != TableFormat.JSONL) {
            return false;
        }
        try (dev.rsr.io.Utf8Lines lines = dev.rsr.io.Utf8Lines.open(train)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (!line.isBlank()) {
                    try {
                        com.fasterxml.jackson.databind.JsonNode node = dev.rsr.data.StrictJson.mapper().readTree(line);
                        return node != null && node.isObject() && !node.has(textColumn) && node.has(TextClassifier.INPUT_IDS);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        return false; // the text reader reports it, with its line
                    }
                }
            }
        }
        return false;
    }

    private ModelGraph readModel() throws IOException {
        if (read == null) {
            modelBytes = readModelFile(base.model);
            read = OnnxFormat.fromBytes(modelBytes, base.model.toString());
            if (tokenizerFile != null) {
                read = TextTask.attachTokenizer(read, HuggingFaceTokenizer.fromFile(tokenizerFile));
            }
        }
        return read;
    }

    /**
     * Reads a classifier of named input tensors and its JSONL data; {@code logits} names the output
     * to train against (null: the only float [batch, classes] output).
     */
    PreparedTensors prepareTensors(long seed, String logits, PrintWriter err) throws IOException {
        if (tokenizerFile != null) {
            throw new ConfigurationException("--tokenizer: applies to text models only; " + base.model + " takes "
                    + feedNames(readModel()));
        }
        if (format != null && format != TableFormat.JSONL) {
            throw new ConfigurationException("--format: a model that takes " + feedNames(readModel())
                    + " reads JSONL examples of its inputs, not " + format);
        }
        for (Path file : List.of(train, eval)) {
            String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (format == null && (name.endsWith(".tsv") || name.endsWith(".csv") || name.endsWith(".txt"))) {
                throw new DataException(file + ": a model that takes " + feedNames(readModel())
                        + " reads JSONL examples of its inputs (one JSON object per line), not a text table");
            }
        }
        String source = base.model.toString();
        ModelGraph loaded = ClassifierOutput.batchFirst(readModel());
        if (loaded != readModel()) {
            err.printf("note: %s declares a fixed batch size; the refined model takes batches of any size%n", source);
        }
        for (dev.rsr.ir.ValueInfo v : loaded.graph().feedInputs()) {
            if (!v.shape().hasRank() || v.shape().rank() == 0) {
                throw new ModelException(source + ": input '" + v.name() + "' is " + v.type().onnxName() + v.shape()
                        + "; a classifier's inputs must have a leading batch dimension");
            }
        }
        ClassifierOutput output;
        try {
            output = ClassifierOutput.of(loaded, logits);
        } catch (ModelException e) {
            throw new ConfigurationException((logits != null ? "--logits: " : "") + source + ": " + e.getMessage()
                    + (logits == null ? " (--logits NAME)" : ""), e);
        }
        String description = "file sha256:" + Provenance.sha256(modelBytes);
        if (reinit) {
            loaded = loaded.withInitializers(dev.rsr.ir.builder.ParameterInit.reinitialize(loaded, seed));
            description += " re-initialized (seed " + seed + ")";
        }
        TensorExamplesReader reader = new TensorExamplesReader(loaded.graph().feedInputs(), output.classes());
        if (trainTensors == null) {
            trainTensors = reader.read(train);
            evalTensors = reader.read(eval);
            trainBytes = Files.readAllBytes(train);
            evalBytes = Files.readAllBytes(eval);
        }
        err.printf("task: %d classes from output '%s', inputs %s, %d train / %d eval examples; %,d parameters%n", output.classes(),
                output.name(), feedNames(loaded), trainTensors.size(), evalTensors.size(), loaded.parameterCount());
        return new PreparedTensors(new FineTuner.Start(loaded, description, Set.of(), !reinit), output,
                new FineTuner.ExampleData(trainTensors, evalTensors, Provenance.sha256(trainBytes), Provenance.sha256(evalBytes)));
    }

    private static List<String> feedNames(ModelGraph model) {
        return model.graph().feedInputs().stream().map(dev.rsr.ir.ValueInfo::name).toList();
    }

    /** Fails as a usage error when the task or its starting model is not given. */
    void requireOptions(picocli.CommandLine cli) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (base == null) {
            missing.add("one of --model, --zoo, --pretrained");
        }
        if (train == null) {
            missing.add("--train");
        }
        if (eval == null) {
            missing.add("--eval");
        }
        if (!missing.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(cli, "Missing required option(s): " + String.join(", ", missing));
        }
    }

    /** Reads the data and the base model (once), then builds the starting model for {@code seed}. */
    Prepared prepare(long seed, PrintWriter err) throws IOException {
        if (trainData == null) {
            trainData = reader(train).read(train);
            evalData = reader(eval).read(eval);
            trainBytes = Files.readAllBytes(train);
            evalBytes = Files.readAllBytes(eval);
        }
        ModelGraph start;
        TextTask task;
        String description;
        Set<String> fresh = Set.of();
        boolean pretrained = base.zoo == null && !reinit;
        if (base.zoo == null) {
            String source = base.model != null ? base.model.toString() : base.pretrained;
            if (read == null && base.model != null) {
                readModel();
            } else if (read == null) {
                read = PretrainedModels.load(base.pretrained);
                if (tokenizerFile != null) {
                    read = TextTask.attachTokenizer(read, HuggingFaceTokenizer.fromFile(tokenizerFile));
                }
            }
            description = modelBytes != null ? "file sha256:" + Provenance.sha256(modelBytes) : "pretrained " + base.pretrained;
            ModelGraph loaded = reinit ? read.withInitializers(dev.rsr.ir.builder.ParameterInit.reinitialize(read, seed)) : read;
            if (reinit) {
                description += " re-initialized (seed " + seed + ")";
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
                int length = TextTask.maxLengthOf(loaded, source).orElse(maxLength);
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
            description = "zoo " + zooModel;
        }
        TextTask.EncodedExamples trainSet = task.encode(trainData);
        TextTask.EncodedExamples evalSet = task.encode(evalData);
        err.printf("task: %d labels, vocabulary %d, %d train / %d eval examples; %,d parameters%n", task.labels().size(),
                task.tokenizer().vocabularySize(), trainSet.size(), evalSet.size(), start.parameterCount());
        if (trainSet.truncated() > 0) {
            err.printf("note: %d training texts are longer than --max-length %d and were cut%n", trainSet.truncated(), maxLength);
        }
        return new Prepared(new FineTuner.Start(start, description, pretrained ? fresh : Set.of(), pretrained), task,
                new FineTuner.Data(trainSet, evalSet, Provenance.sha256(trainBytes), Provenance.sha256(evalBytes)));
    }

    /** How a record names the starting model: the file's name with its digest, the pretrained model's name, or the zoo model's shape. */
    String describe(FineTuner.Start start) {
        return base.model != null ? base.model.getFileName() + " (" + start.base() + ")" : start.base();
    }

    private TextTableReader reader(Path file) {
        return new TextTableReader(format != null ? format : TableFormat.of(file), textColumn, labelColumn);
    }

    /** The model file's bytes (parsed and hashed from one read); the command line has checked that it is a readable file. */
    private static byte[] readModelFile(Path file) throws java.io.IOException {
        return Files.readAllBytes(file);
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
