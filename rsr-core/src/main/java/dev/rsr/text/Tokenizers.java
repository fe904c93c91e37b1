package dev.rsr.text;

import dev.rsr.spi.Tokenizer;
import dev.rsr.plugin.PluginRegistry;
import dev.rsr.spi.TokenizerProvider;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/** Restoring tokenizers by kind, through the installed {@link TokenizerProvider}s. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /** Providers already discovered, by class loader: every model load restores a tokenizer, providers are found once. */
    private static final Map<ClassLoader, PluginRegistry<TokenizerProvider>> DISCOVERED =
            Collections.synchronizedMap(new WeakHashMap<>());

    public static Tokenizer deserialize(String kind, String data, String source) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : Tokenizers.class.getClassLoader();
        PluginRegistry<TokenizerProvider> providers = DISCOVERED.get(loader);
        if (providers == null) {
            providers = PluginRegistry.discover(TokenizerProvider.class, loader);
            DISCOVERED.put(loader, providers);
        }
        return providers.get(kind).deserialize(data, source);
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
