package dev.rsr.engine.pretraining;

import dev.rsr.engine.ProcessMemory;
import dev.rsr.error.BackendException;
import dev.rsr.error.ConfigurationException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.spi.Tokenizer;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Task-agnostic pretraining of an encoder: a {@link PretrainingObjective} puts its head on the
 * encoder and makes each step's batch, and the encoder (without the head) is returned. Runs until
 * a step or time limit, checkpoints periodically (atomically), and resumes from a checkpoint onto
 * the same trajectory: each step's batch is drawn from a generator seeded by the run seed and the
 * step number.
 *
 * <p>Batches group sequences of similar length under a token budget: a corpus that mixes short
 * glosses with long documents would otherwise spend most of each step on padding.
 */
public final class Pretrainer {

    /**
     * @param maxSteps        stop after this many steps in all (0 = no step limit)
     * @param maxMinutes      stop after this much wall time in this run (0 = no time limit)
     * @param batchTokens     tokens per step: each batch holds sequences of about the same length, as many as fit
     * @param learningRate    Adam's peak learning rate (linear warm-up over the first steps)
     * @param seed            seed of sampling and corruption
     * @param checkpointEvery steps between checkpoints (when a checkpoint file is given)
     * @param checkpoint      the checkpoint file, or null for none
     * @param resume          continue from the checkpoint if it exists
     * @param threads         backend threads (0 = its default)
     * @param settings        what else a checkpoint must have been made with to be resumed (the
     *                        encoder's architecture, the corpus), beside the objective, tokenizer,
     *                        seed, learning rate and batch size that the pretrainer records itself
     */
    public record Config(int maxSteps, double maxMinutes, int batchTokens, double learningRate, long seed, int checkpointEvery,
                         Path checkpoint, boolean resume, int threads, Map<String, String> settings) {
        public Config {
            settings = Map.copyOf(settings);
            List<String> problems = new ArrayList<>();
            if (maxSteps < 0 || maxMinutes < 0 || (maxSteps == 0 && maxMinutes == 0)) {
                problems.add("a step limit or a time limit (positive) is needed");
            }
            if (batchTokens < 1) {
                problems.add("batch tokens must be at least 1, got " + batchTokens);
            }
            if (!(learningRate > 0)) {
                problems.add("the learning rate must be positive, got " + learningRate);
            }
            if (checkpointEvery < 1) {
                problems.add("the checkpoint interval must be at least 1 step, got " + checkpointEvery);
            }
            if (resume && checkpoint == null) {
                problems.add("resuming needs a checkpoint file");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException("invalid pretraining settings: " + String.join("; ", problems));
            }
        }
    }

    /** Receives progress on the training thread. */
    public interface Listener {
        void progress(int step, Config config, double seconds, double recentLoss, long tokens);

        void checkpointed(int step, Path file);
    }

    /**
     * @param encoder   the trained encoder (no pretraining head)
     * @param startStep the step the run started from (0, or where a checkpoint left off)
     * @param steps     the step reached
     * @param seconds   wall time of this run
     * @param finalLoss mean loss over the last steps
     * @param peakRssMb peak resident memory
     */
    public record Result(ModelGraph encoder, int startStep, int steps, double seconds, double finalLoss, double peakRssMb) {
    }

    /**
     * Linear learning-rate warm-up length. Fixed, not derived from the step limit, so that a run
     * resumed with a different limit follows the same schedule.
     */
    static final int WARMUP_STEPS = 100;

    private final TrainingBackend backend;

    public Pretrainer(TrainingBackend backend) {
        this.backend = backend;
    }

    public Result run(ModelGraph encoder, String hiddenOutput, Tokenizer tokenizer, List<long[]> sequences,
                      PretrainingObjective objective, Config config, Listener listener) {
        if (sequences.isEmpty()) {
            throw new ConfigurationException("the pretraining corpus is empty");
        }
        ModelGraph withHead = objective.withHead(encoder, hiddenOutput, tokenizer, config.seed());
        List<TaskModule> modules = TaskModule.fromParameterGroups(withHead);
        TrainingSpec spec = TrainingSpec.builder(new LossSpec(LossSpec.Kind.SOFTMAX_CROSS_ENTROPY, objective.logitsOutput(), "labels"),
                modules).threads(config.threads()).build();
        LengthOrder byLength = new LengthOrder(sequences, config.seed());
        long start = System.nanoTime();
        try (TrainingSession session = backend.open(withHead, spec)) {
            int step = 0;
            Map<String, String> settings = checkpointSettings(objective, tokenizer, config);
            if (config.resume() && config.checkpoint() != null && Files.exists(config.checkpoint())) {
                session.restoreCheckpoint(config.checkpoint(), settings);
                step = (int) session.moduleSteps().values().stream().mapToLong(Long::longValue).max().orElse(0);
            }
            int startStep = step;
            double lossSum = 0;
            int lossCount = 0;
            double recent = Double.NaN;
            long tokens = 0;
            long deadline = config.maxMinutes() > 0 ? start + (long) (config.maxMinutes() * 60e9) : Long.MAX_VALUE;
            while ((config.maxSteps() == 0 || step < config.maxSteps()) && System.nanoTime() < deadline) {
                Batch batch = batch(step, byLength, tokenizer, objective, config);
                double lr = config.learningRate() * Math.min(1.0, (step + 1) / (double) WARMUP_STEPS);
                dev.rsr.training.StepResult result = session.step(batch, StepPlan.all(modules, lr));
                double loss = result.loss();
                if (!result.applied()) {
                    throw new BackendException("pretraining step " + (step + 1) + " gave a loss or gradient that is not finite (loss " + loss
                            + "); lower the learning rate (now "
                            + config.learningRate() + ")");
                }
                step++;
                tokens += realTokens(batch);
                lossSum += loss;
                lossCount++;
                if (step % 50 == 0) {
                    recent = lossSum / lossCount;
                    lossSum = 0;
                    lossCount = 0;
                    listener.progress(step, config, seconds(start), recent, tokens);
                }
                if (config.checkpoint() != null && step % config.checkpointEvery() == 0) {
                    session.saveCheckpoint(config.checkpoint(), settings);
                    listener.checkpointed(step, config.checkpoint());
                }
            }
            if (lossCount > 0) {
                recent = lossSum / lossCount;
                listener.progress(step, config, seconds(start), recent, tokens);
            }
            if (config.checkpoint() != null && step > startStep && step % config.checkpointEvery() != 0) {
                session.saveCheckpoint(config.checkpoint(), settings);
                listener.checkpointed(step, config.checkpoint());
            }
            Map<String, TensorData> trained = session.values(encoder.graph().initializers().keySet().stream()
                    .filter(p -> encoder.graph().initializers().get(p).type().isFloatingPoint()).toList());
            return new Result(encoder.withInitializers(trained), startStep, step, seconds(start), recent, ProcessMemory.peakRssMb());
        }
    }

    /**
     * The corpus sorted by sequence length, ties in a seeded random order, and each sequence's
     * place in that order. Ties must not keep the corpus order: a corpus is often concatenated
     * from sources, or a dictionary listed by topic, and a batch of neighbours would then hold one
     * source or one topic only (for a contrastive objective, negatives all of one kind).
     */
    static final class LengthOrder {
        final List<long[]> sequences;
        final int[] order;
        final int[] rank;

        LengthOrder(List<long[]> sequences, long seed) {
            this.sequences = sequences;
            List<Integer> indices = new ArrayList<>(IntStream.range(0, sequences.size()).boxed().toList());
            Collections.shuffle(indices, new Random(seed));
            indices.sort(Comparator.comparingInt(i -> sequences.get(i).length)); // stable: ties keep the shuffled order
            this.order = indices.stream().mapToInt(Integer::intValue).toArray();
            this.rank = new int[order.length];
            for (int r = 0; r < order.length; r++) {
                rank[order[r]] = r;
            }
        }
    }

    /**
     * Step {@code step}'s batch, the same for a given seed whether or not the run was resumed: a
     * uniformly drawn anchor sequence, then as many sequences as the token budget allows, drawn
     * from the anchor's neighbours in length order; the objective makes the batch of them.
     */
    static Batch batch(int step, LengthOrder byLength, Tokenizer tokenizer, PretrainingObjective objective, Config config) {
        SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + step);
        List<long[]> sequences = byLength.sequences;
        int anchor = random.nextInt(sequences.size());
        int rowCount = Math.max(1, Math.min(sequences.size(), config.batchTokens() / Math.max(1, sequences.get(anchor).length)));
        // Neighbours within a window a few batches wide: similar lengths, yet varied company.
        int window = 4 * rowCount;
        int lo = Math.max(0, Math.min(byLength.rank[anchor] - window, sequences.size() - 2 * window - 1));
        int hi = Math.min(sequences.size(), lo + 2 * window + 1);
        List<long[]> chosen = new ArrayList<>();
        chosen.add(sequences.get(anchor));
        int width = sequences.get(anchor).length;
        while (chosen.size() < rowCount) {
            long[] next = sequences.get(byLength.order[lo + random.nextInt(hi - lo)]);
            int paddedWidth = Math.max(width, next.length);
            if ((long) (chosen.size() + 1) * paddedWidth > config.batchTokens()) {
                break; // rows are padded to the longest: one more would overrun the budget
            }
            chosen.add(next);
            width = paddedWidth;
        }
        return objective.batch(chosen, tokenizer, random);
    }

    private static long realTokens(Batch batch) {
        long n = 0;
        for (long m : batch.inputs().get(TextClassifier.ATTENTION_MASK).longs()) {
            n += m;
        }
        return n;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** What a resumed run must share with the run that wrote the checkpoint; anything else would silently train a different model. */
    private static Map<String, String> checkpointSettings(PretrainingObjective objective, Tokenizer tokenizer, Config config) {
        Map<String, String> settings = new java.util.TreeMap<>(config.settings());
        settings.put("objective", objective.name());
        settings.put("tokenizer", dev.rsr.engine.Provenance.sha256(tokenizer.serialize()));
        settings.put("seed", Long.toString(config.seed()));
        settings.put("learning-rate", Double.toString(config.learningRate()));
        settings.put("batch-tokens", Integer.toString(config.batchTokens()));
        return settings;
    }
}
