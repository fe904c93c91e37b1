package dev.rsr.text;

import dev.rsr.spi.Tokenizer;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.TokenizerProvider;

/** Restoring tokenizers by kind, through the installed {@link TokenizerProvider}s. */
public final class Tokenizers {
    private Tokenizers() {
    }

    public static Tokenizer deserialize(String kind, String data, String source) {
        return PluginRegistry.discover(TokenizerProvider.class).get(kind).deserialize(data, source);
    }

    /** Provider of the built-in word tokenizer. */
    public static final class WordProvider implements TokenizerProvider {
        @Override
        public String name() {
            return WordTokenizer.KIND;
        }

        @Override
        public Tokenizer deserialize(String data, String source) {
            return WordTokenizer.deserialize(data, source);
        }
    }

    /** Provider of the built-in sub-word tokenizer. */
    public static final class SubwordProvider implements TokenizerProvider {
        @Override
        public String name() {
            return SubwordTokenizer.KIND;
        }

        @Override
        public Tokenizer deserialize(String data, String source) {
            return SubwordTokenizer.deserialize(data, source);
        }
    }
}
