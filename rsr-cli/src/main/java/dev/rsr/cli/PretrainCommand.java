package dev.rsr.cli;

import dev.rsr.data.DataSources;
import dev.rsr.data.PlainText;
import dev.rsr.engine.Refiner;
import dev.rsr.engine.TextTask;
import dev.rsr.engine.pretraining.Pretrainer;
import dev.rsr.ir.ModelGraph;
import dev.rsr.onnx.OnnxFormat;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.text.SubwordTokenizer;
import dev.rsr.spi.Tokenizer;
import dev.rsr.zoo.TextEncoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Pretrain the zoo text encoder on unlabelled text with a task-agnostic objective (masked-token "
                + "prediction, denoising, or contrastive pairing of two views of each text), and write the encoder (with its "
                + "sub-word tokenizer) as ONNX.",
                "Checkpoints periodically; --resume continues a run from its checkpoint onto the same trajectory."})
final class PretrainCommand implements Callable<Integer>, DerivedOutputs {
    static final class Corpus {
        @PathRole(PathRole.Kind.INPUT_FILE)
        @Option(names = "--corpus", description = "A text file, one document per line.")
        Path file;

        @Option(names = "--source", split = ",", description = "Named corpora: wordnet-all, wordnet-links, fortunes, synthetic "
                + "(comma-separated; default when no corpus is named: wordnet-all,wordnet-links,fortunes).")
        List<String> sources;

        @Option(names = "--builtin", description = "The built-in synthetic corpus.")
        boolean builtin;
    }

    /**
     * The base rate an encoder written here carries for its fine-tuning ({@link Refiner#FINETUNE_RATE_PROPERTY}),
     * measured on encoders of the default width and depth (a 14-minute and a 600-step pretraining).
     */
    static final double FINETUNE_RATE = 1e-3;

    /** The metadata property recording how many steps the encoder was pretrained for. */
    static final String STEPS_PROPERTY = "rsr.provenance.pretraining.steps";

    /** The recipe that measured best (README, "Measured"): dictionary entries, definition links and fortunes. */
    static final List<String> DEFAULT_SOURCES = List.of("wordnet-all", "wordnet-links", "fortunes");

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Corpus corpus;

    @PathRole(PathRole.Kind.OUTPUT_FILE)
    @Option(names = "--out", required = true, description = "Where to write the encoder ONNX file.")
    Path out;

    @Option(names = "--objective", defaultValue = "contrastive", description = "Pretraining objective: contrastive, mlm or denoising, "
            + "or a plugin's (default: ${DEFAULT-VALUE}, which measured best).")
    String objective;

    @Range(min = 0, max = 1e6, note = "0 = no time limit")
    @Option(names = "--max-minutes", defaultValue = "0", description = "Stop after this many minutes (0 = no time limit).")
    double maxMinutes;

    @Range(min = 0, max = 1e9, note = "0 = no step limit")
    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps in all (0 = no step limit; default 1000 when neither is given).")
    int maxSteps;

    @Range(min = 1, max = 10_000_000)
    @Option(names = "--batch-tokens", defaultValue = "1024",
            description = "Tokens per step; each batch holds sequences of about the same length (default: ${DEFAULT-VALUE}).")
    int batchTokens;

    @Range(min = Double.MIN_VALUE, max = 10)
    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Range(min = Long.MIN_VALUE, max = Long.MAX_VALUE)
    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Range(min = 16, max = 10_000_000)
    @Option(names = "--vocab", defaultValue = "8000", description = "Sub-word vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;

    @Range(min = 2, max = 65536)
    @Option(names = "--max-length", defaultValue = "64", description = "Longest token sequence (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Range(min = 1, max = 65536)
    @Option(names = "--dim", defaultValue = "128", description = "Encoder width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Range(min = 1, max = 256)
    @Option(names = "--layers", defaultValue = "2", description = "Encoder blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Range(min = 1, max = 1024)
    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @PathRole(PathRole.Kind.OUTPUT_FILE)
    @Option(names = "--checkpoint", description = "Checkpoint file (default: OUT.ckpt).")
    Path checkpoint;

    @Range(min = 1, max = 1e9)
    @Option(names = "--checkpoint-every", defaultValue = "200", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue from the checkpoint if it exists.")
    boolean resume;

    @Range(min = 0, max = 1024, note = "0 = all cores")
    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow threads; 0 = all cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @picocli.CommandLine.Mixin
    DataDirs dataDirs;

    @picocli.CommandLine.Mixin
    PluginOptions pluginOptions = new PluginOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PretrainingObjective chosen = pluginOptions.plugins().get(PretrainingObjective.class, objective);
        List<String> texts = texts();
        // The tokenizer is a pure function of the corpus and settings, so a resumed run rebuilds the same one.
        Tokenizer tokenizer = SubwordTokenizer.train(texts, vocab);
        List<long[]> sequences = new ArrayList<>(texts.size());
        long tokens = 0;
        for (String t : texts) {
            long[] ids = tokenizer.encode(t, maxLength);
            sequences.add(ids);
            tokens += ids.length;
        }
        TextEncoder encoder = new TextEncoder(tokenizer.vocabularySize(), dim, layers, heads, 4 * dim, maxLength, seed);
        ModelGraph model = encoder.build();
        Pretrainer.Config config = new Pretrainer.Config(maxSteps == 0 && maxMinutes == 0 ? 1000 : maxSteps, maxMinutes, batchTokens, lr,
                seed, checkpointEvery, checkpointFile(), resume, threads,
                Map.of("vocab", String.valueOf(encoder.vocabSize()), "dim", String.valueOf(dim), "layers", String.valueOf(layers),
                        "heads", String.valueOf(heads), "max-length", String.valueOf(maxLength),
                        "corpus-digest", dev.rsr.engine.Provenance.sha256(String.join("\n", texts))));
        err.printf("corpus: %,d texts, %,d tokens; sub-word vocabulary %,d; encoder %,d parameters; objective %s%n", texts.size(),
                tokens, tokenizer.vocabularySize(), model.parameterCount(), chosen.name());
        TrainingBackend backend = pluginOptions.plugins().trainingBackend();
        Pretrainer.Result result = new Pretrainer(backend).run(model, TextEncoder.HIDDEN, tokenizer, sequences, chosen, config,
                new Pretrainer.Listener() {
                    @Override
                    public void progress(int step, Pretrainer.Config c, double seconds, double loss, long seenTokens) {
                        err.printf("step %6d%s  %7.1f s  loss %.4f  %,.0f tokens/s%n", step, c.maxSteps() > 0 ? "/" + c.maxSteps() : "",
                                seconds, loss, seenTokens / Math.max(seconds, 1e-9));
                        err.flush();
                    }

                    @Override
                    public void checkpointed(int step, Path file) {
                        err.printf("checkpoint at step %d -> %s%n", step, file);
                        err.flush();
                    }
                });
        ModelGraph trained = TextTask.attachTokenizer(result.encoder(), tokenizer);
        trained = trained.withMetadata(trained.metadata().withProperty(TextTask.MAX_LENGTH_PROPERTY, Integer.toString(maxLength))
                .withProperty("rsr.provenance.pretraining.objective", chosen.name())
                .withProperty("rsr.provenance.pretraining.corpus", describeCorpus())
                .withProperty(STEPS_PROPERTY, Integer.toString(result.steps()))
                .withProperty("rsr.provenance.seed", Long.toString(seed))
                // Fine-tuning from this encoder went best at 1e-3 over a grid of 1e-5 to 1e-3 (full, WordNet verb; confirmed on
                // fortunes and the synthetic tasks), where the default for pretrained models, 5e-5, left it far behind.
                .withProperty(Refiner.FINETUNE_RATE_PROPERTY, Double.toString(FINETUNE_RATE)));
        OnnxFormat.write(trained, out);
        spec.commandLine().getOut().printf("pretrained %s: steps %d..%d in %.1f s, final loss %.4f, peak RSS %.0f MiB -> %s%n",
                chosen.name(), result.startStep(), result.steps(), result.seconds(), result.finalLoss(), result.peakRssMb(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code --checkpoint}, or {@code OUT.ckpt} beside the encoder. */
    private Path checkpointFile() {
        return checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".ckpt");
    }

    @Override
    public Map<String, Path> derivedOutputs() {
        return checkpoint != null || out == null ? Map.of() : Map.of("--checkpoint (default)", checkpointFile());
    }

    private List<String> texts() {
        if (corpus != null && corpus.file != null) {
            return PlainText.lines(corpus.file);
        }
        DataSources sources = new DataSources(dataDirs.wordnet, dataDirs.fortunes, 5000, seed);
        List<String> names = sourceNames();
        List<String> all = new ArrayList<>();
        names.forEach(n -> all.addAll(sources.corpus(n.strip())));
        return all;
    }

    private List<String> sourceNames() {
        return corpus == null ? DEFAULT_SOURCES : corpus.builtin ? List.of("synthetic") : corpus.sources;
    }

    private String describeCorpus() {
        return corpus != null && corpus.file != null ? "file " + corpus.file.getFileName() : String.join(",", sourceNames());
    }
}
