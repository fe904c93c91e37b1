package dev.rsr.spi;

import dev.rsr.ir.ModelGraph;
import dev.rsr.training.Batch;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A task-agnostic pretraining objective: the head it puts on an encoder for training, and how it
 * turns token sequences into a batch for that head. The loss is softmax cross-entropy of the
 * head's {@link #logitsOutput()} against the batch targets. The pretrainer chooses the sequences
 * of each step (about the same length, within a token budget) and keeps only the encoder.
 */
public interface PretrainingObjective extends NamedProvider {

    /**
     * The encoder with this objective's head.
     *
     * @param encoder      a model with {@code input_ids} and {@code attention_mask} inputs
     * @param hiddenOutput its {@code float[batch, sequence, dim]} output
     * @param tokenizer    the tokenizer the sequences come from (a head may need its vocabulary size)
     * @param seed         seeds the head's random initialization, for reproducible runs
     * @return the encoder with the head attached; its {@link #logitsOutput()} is an output
     */
    ModelGraph withHead(ModelGraph encoder, String hiddenOutput, Tokenizer tokenizer, long seed);

    /**
     * The head's output of shape {@code [rows, classes]} the loss reads.
     *
     * @return the output's name
     */
    String logitsOutput();

    /**
     * The batch for these sequences (token ids, special tokens included, not padded). Must use
     * only {@code random} for its randomness, so that a resumed run draws the same batches.
     *
     * @param sequences the token ids of each sequence
     * @param tokenizer the tokenizer they come from
     * @param random    the only source of randomness allowed
     * @return the inputs and targets of one step
     */
    Batch batch(List<long[]> sequences, Tokenizer tokenizer, SplittableRandom random);
}
