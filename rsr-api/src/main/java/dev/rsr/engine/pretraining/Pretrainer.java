package dev.rsr.engine.pretraining;

import dev.rsr.engine.ProcessMemory;
import dev.rsr.error.BackendException;
import dev.rsr.error.ConfigurationException;
import dev.rsr.ir.ModelGraph;
import dev.rsr.ir.TensorData;
import dev.rsr.spi.PretrainingObjective;
import dev.rsr.spi.TrainingBackend;
import dev.rsr.text.Tokenizer;
import dev.rsr.training.Batch;
import dev.rsr.training.LossSpec;
import dev.rsr.training.OptimizerSpec;
import dev.rsr.training.StepPlan;
import dev.rsr.training.TaskModule;
import dev.rsr.training.TrainingSession;
import dev.rsr.training.TrainingSpec;
import dev.rsr.zoo.Heads;
import dev.rsr.zoo.TextClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Task-agnostic pretraining of an encoder: a {@link PretrainingObjective} corrupts token
 * sequences, a masked-token head on the encoder predicts the originals, and the encoder (without
 * the head) is returned. Runs until a step or time limit, checkpoints periodically (atomically),
 * and resumes from a checkpoint onto the same trajectory: each step's batch and corruption are
 * drawn from a generator seeded by the run seed and the step number.
 */
public final class Pretrainer {

    /**
     * @param maxSteps        stop after this many steps in all (0 = no step limit)
     * @param maxMinutes      stop after this much wall time in this run (0 = no time limit)
     * @param batchSize       sequences per step
     * @param learningRate    Adam's peak learning rate (linear warm-up over the first steps)
     * @param seed            seed of sampling and corruption
     * @param checkpointEvery steps between checkpoints (when a checkpoint file is given)
     * @param checkpoint      the checkpoint file, or null for none
     * @param resume          continue from the checkpoint if it exists
     * @param threads         backend threads (0 = its default)
     */
    public record Config(int maxSteps, double maxMinutes, int batchSize, double learningRate, long seed, int checkpointEvery,
                         Path checkpoint, boolean resume, int threads) {
        public Config {
            List<String> problems = new ArrayList<>();
            if (maxSteps < 0 || maxMinutes < 0 || (maxSteps == 0 && maxMinutes == 0)) {
                problems.add("give --max-steps or --max-minutes (positive)");
            }
            if (batchSize < 1) {
                problems.add("--batch must be at least 1, got " + batchSize);
            }
            if (!(learningRate > 0)) {
                problems.add("--lr must be positive, got " + learningRate);
            }
            if (checkpointEvery < 1) {
                problems.add("--checkpoint-every must be at least 1, got " + checkpointEvery);
            }
            if (resume && checkpoint == null) {
                problems.add("--resume needs a checkpoint file");
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
        ModelGraph withHead = Heads.maskedTokenPrediction(encoder, hiddenOutput, tokenizer.vocabularySize(), config.seed());
        List<TaskModule> modules = TaskModule.fromParameterGroups(withHead);
        TrainingSpec spec = new TrainingSpec(new LossSpec(LossSpec.Kind.SOFTMAX_CROSS_ENTROPY, Heads.MLM_LOGITS, "labels"),
                OptimizerSpec.adam(), modules, false, config.threads());
        long start = System.nanoTime();
        try (TrainingSession session = backend.open(withHead, spec)) {
            int step = 0;
            if (config.resume() && config.checkpoint() != null && Files.exists(config.checkpoint())) {
                session.restoreCheckpoint(config.checkpoint());
                step = (int) session.moduleSteps().values().stream().mapToLong(Long::longValue).max().orElse(0);
            }
            int startStep = step;
            double lossSum = 0;
            int lossCount = 0;
            double recent = Double.NaN;
            long tokens = 0;
            long deadline = config.maxMinutes() > 0 ? start + (long) (config.maxMinutes() * 60e9) : Long.MAX_VALUE;
            while ((config.maxSteps() == 0 || step < config.maxSteps()) && System.nanoTime() < deadline) {
                Batch batch = batch(step, sequences, tokenizer, objective, config);
                double lr = config.learningRate() * Math.min(1.0, (step + 1) / (double) WARMUP_STEPS);
                double loss = session.step(batch, StepPlan.all(modules, lr));
                if (!Double.isFinite(loss)) {
                    throw new BackendException("pretraining loss became " + loss + " at step " + (step + 1) + "; lower --lr (now "
                            + config.learningRate() + ")");
                }
                step++;
                tokens += batch.inputs().get(TextClassifier.ATTENTION_MASK).elementCount();
                lossSum += loss;
                lossCount++;
                if (step % 50 == 0) {
                    recent = lossSum / lossCount;
                    lossSum = 0;
                    lossCount = 0;
                    listener.progress(step, config, seconds(start), recent, tokens);
                }
                if (config.checkpoint() != null && step % config.checkpointEvery() == 0) {
                    session.saveCheckpoint(config.checkpoint());
                    listener.checkpointed(step, config.checkpoint());
                }
            }
            if (lossCount > 0) {
                recent = lossSum / lossCount;
                listener.progress(step, config, seconds(start), recent, tokens);
            }
            if (config.checkpoint() != null && step > startStep && step % config.checkpointEvery() != 0) {
                session.saveCheckpoint(config.checkpoint());
                listener.checkpointed(step, config.checkpoint());
            }
            Map<String, TensorData> trained = session.values(encoder.graph().initializers().keySet().stream()
                    .filter(p -> encoder.graph().initializers().get(p).type().isFloatingPoint()).toList());
            return new Result(encoder.withInitializers(trained), startStep, step, seconds(start), recent, ProcessMemory.peakRssMb());
        }
    }

    /** Step {@code step}'s batch: the same for a given seed whether or not the run was resumed. */
    static Batch batch(int step, List<long[]> sequences, Tokenizer tokenizer, PretrainingObjective objective, Config config) {
        SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + step);
        List<PretrainingObjective.Corruption> rows = new ArrayList<>();
        int width = 1;
        for (int i = 0; i < config.batchSize(); i++) {
            PretrainingObjective.Corruption c = objective.corrupt(sequences.get(random.nextInt(sequences.size())), tokenizer, random);
            rows.add(c);
            width = Math.max(width, c.input().length);
        }
        int n = rows.size();
        long[] ids = new long[n * width];
        long[] mask = new long[n * width];
        java.util.Arrays.fill(ids, tokenizer.padId());
        List<Long> positions = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            PretrainingObjective.Corruption c = rows.get(r);
            for (int t = 0; t < c.input().length; t++) {
                ids[r * width + t] = c.input()[t];
                mask[r * width + t] = 1;
            }
            for (int k = 0; k < c.positions().length; k++) {
                positions.add((long) r * width + c.positions()[k]);
                targets.add(c.targets()[k]);
            }
        }
        long[] shape = {n, width};
        Map<String, TensorData> inputs = new LinkedHashMap<>();
        inputs.put(TextClassifier.INPUT_IDS, TensorData.ofLongs(shape, ids));
        inputs.put(TextClassifier.ATTENTION_MASK, TensorData.ofLongs(shape, mask));
        inputs.put(Heads.MLM_POSITIONS, TensorData.vectorOfLongs(positions.stream().mapToLong(Long::longValue).toArray()));
        return new Batch(inputs, TensorData.vectorOfLongs(targets.stream().mapToLong(Long::longValue).toArray()));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
