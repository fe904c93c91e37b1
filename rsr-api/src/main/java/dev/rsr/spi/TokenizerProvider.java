package dev.rsr.spi;


/** Restores a saved {@link Tokenizer} of one kind; {@link #name()} is that kind. */
public interface TokenizerProvider extends NamedProvider {

    /**
     * Restores a tokenizer from the text its {@link Tokenizer#serialize()} wrote.
     *
     * @param data   the saved text
     * @param source how error messages name where the data came from (a model file)
     * @return the tokenizer
     * @throws dev.rsr.error.ModelException when the data is not a tokenizer of this kind
     */
    Tokenizer deserialize(String data, String source);
}
