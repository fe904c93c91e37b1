package dev.rsr.spi;

import java.util.OptionalInt;

/**
 * Turns text into token ids, exactly as a model was trained with. Saved inside the model (its
 * {@link #kind()} and {@link #serialize()} text in the ONNX metadata) and restored through the
 * {@link dev.rsr.spi.TokenizerProvider} of that kind. Implementations are immutable and
 * thread-safe.
 */
public interface Tokenizer {

    /**
     * The provider name that restores this tokenizer, e.g. {@code word}, {@code subword}, {@code huggingface}.
     *
     * @return the kind
     */
    String kind();

    /**
     * Token ids of a text, special tokens included, at most {@code maxLength} of them; never
     * empty. Longer texts are cut (see {@link #length}).
     *
     * @param text      the text
     * @param maxLength the most ids to return
     * @return the ids, at least one
     */
    long[] encode(String text, int maxLength);

    /**
     * Number of ids a text has before cutting, special tokens included.
     *
     * @param text the text
     * @return the number of ids
     */
    int length(String text);

    /**
     * Number of tokens in the vocabulary.
     *
     * @return the vocabulary size
     */
    int vocabularySize();

    /**
     * The id padding positions hold (their attention mask is 0).
     *
     * @return the padding id
     */
    int padId();

    /**
     * The id of the mask token, for masked-token pretraining; empty when the vocabulary has none.
     *
     * @return the mask id, or empty
     */
    OptionalInt maskId();

    /**
     * True for ids of special tokens (padding, unknown, mask, separators), which pretraining never samples as replacements.
     *
     * @param id a token id
     * @return whether it is a special token
     */
    boolean isSpecial(long id);

    /**
     * The text {@link dev.rsr.spi.TokenizerProvider#deserialize} restores this tokenizer from.
     *
     * @return the tokenizer as text
     */
    String serialize();
}
